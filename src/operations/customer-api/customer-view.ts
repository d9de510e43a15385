import type { CustomerRow } from '../../db/repositories/customers.js';
import { MULTIPLE_ASPECTS, type AspectValues, type CustomerType, type MultipleAspect } from '../../domain/customer-record.js';
import type { Provenance } from '../../merge/index.js';
import { choiceOf } from '../../merge/survivor.js';
import { isoTime } from '../../domain/iso-time.js';

/** Where an item's value came from: the connector and run (or API write), and every connector supplying it. */
export interface ItemProvenance extends ValueProvenance {
  key: string;
  suppliedBy: string[];
}

/** Where a value came from and, under a survivorship rule, which rule chose it and what lost. */
export interface ValueProvenance extends Provenance {
  chosenBy?: string;
  lost?: { connector: string; value: unknown; runId: string }[];
}

/** A customer as the API shows it: its values by aspect and, unless asked otherwise, where each came from. */
export type CustomerApiView = {
  id: string;
  type: CustomerType;
  sourceConnector: string;
  sourceId: string;
  state: 'active' | 'missing' | 'deleted';
  parentCustomerId: string | null;
  isParentCompany: boolean;
  createdAt: string;
  updatedAt: string;
  createdRunId: string;
  updatedRunId: string;
  missingSince: string | null;
  deletedAt: string | null;
  deletedReason: string | null;
  externalIds?: { connector: string; externalId: string }[];
  /** Per aspect, in the order of the aspect's values. */
  provenance?: {
    name?: ValueProvenance;
    relations?: ValueProvenance;
    items: { [A in MultipleAspect]: ItemProvenance[] };
  };
} & Pick<Partial<AspectValues>, 'name' | 'relations'> & { [A in MultipleAspect]: AspectValues[A] };

/** The state of a customer's lifecycle. */
export function customerState(c: Pick<CustomerRow, 'deleted_at' | 'missing_since'>): CustomerApiView['state'] {
  return c.deleted_at ? 'deleted' : c.missing_since ? 'missing' : 'active';
}


/** The API view of a stored customer; `provenance: false` for the bare values. */
export function customerApiView(
  c: CustomerRow,
  options: { provenance: boolean; externalIds?: { connector: string; external_id: string }[] },
): CustomerApiView {
  const merged = c.merged;
  const view = {
    id: c.id,
    type: c.type,
    sourceConnector: c.source_connector,
    sourceId: c.source_id,
    state: customerState(c),
    parentCustomerId: c.parent_customer_id,
    isParentCompany: c.is_parent_company,
    createdAt: isoTime(c.created_at)!,
    updatedAt: isoTime(c.updated_at)!,
    createdRunId: c.created_run_id,
    updatedRunId: c.updated_run_id,
    missingSince: isoTime(c.missing_since),
    deletedAt: isoTime(c.deleted_at),
    deletedReason: c.deleted_reason,
    ...(options.externalIds ? { externalIds: options.externalIds.map((e) => ({ connector: e.connector, externalId: e.external_id })) } : {}),
    ...(merged.name ? { name: merged.name.value } : {}),
    ...(merged.relations ? { relations: merged.relations.value } : {}),
  } as CustomerApiView;
  for (const aspect of MULTIPLE_ASPECTS) (view as Record<string, unknown>)[aspect] = merged.items[aspect].map((i) => i.value);
  if (options.provenance) {
    const items = {} as NonNullable<CustomerApiView['provenance']>['items'];
    for (const aspect of MULTIPLE_ASPECTS) {
      items[aspect] = merged.items[aspect].map((i) => ({ key: i.key, connector: i.provenance.connector, runId: i.provenance.runId, suppliedBy: i.suppliedBy, ...choiceOf(i) }));
    }
    view.provenance = {
      ...(merged.name ? { name: { ...merged.name.provenance, ...choiceOf(merged.name) } } : {}),
      ...(merged.relations ? { relations: { ...merged.relations.provenance, ...choiceOf(merged.relations) } } : {}),
      items,
    };
  }
  return view;
}
