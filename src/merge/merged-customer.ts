import type {
  Aspect,
  AspectValues,
  CustomerRecord,
  CustomerType,
  MultipleAspect,
  MultipleAspectItem,
} from '../domain/customer-record.js';
import type { SuppliedValue } from './survivor.js';

/** Which connector supplied a stored value, and in which run it last changed. */
export interface Provenance {
  connector: string;
  runId: string;
}

/** What a survivorship rule kept beside the winner: every connector's latest value, and the rule. */
export interface Survivorship<T> {
  /** Each supplying connector's latest value (the winner's among them), by connector. */
  candidates?: SuppliedValue<T>[];
  /** The rule that chose the value, in words (`priority (erp, crm)`). */
  chosenBy?: string;
}

export interface MergedItem<T> extends Survivorship<T> {
  /** The item's identity within its aspect (see SPEC §1). */
  key: string;
  value: T;
  /** The connector whose value is stored, and the run in which that value was set. */
  provenance: Provenance;
  /** Every connector that currently supplies this item, sorted. The item is removed when this becomes empty. */
  suppliedBy: string[];
}

export interface MergedValue<T> extends Survivorship<T> {
  value: T;
  provenance: Provenance;
}

export type MergedItems = { [A in MultipleAspect]: MergedItem<MultipleAspectItem<A>>[] };

/** A customer's merged state: what is persisted, and the base for the next merge. */
export interface MergedCustomer {
  type: CustomerType;
  name?: MergedValue<AspectValues['name']>;
  relations?: MergedValue<AspectValues['relations']>;
  /** Items per aspect, each list sorted by key. */
  items: MergedItems;
  /**
   * Under a rule for contact details of a kind (`customerContactDetails.phone`): each connector's
   * details of that kind, by kind, from which the rule chose the ones in `items`.
   */
  contactDetailCandidates?: Record<string, SuppliedValue<MultipleAspectItem<'customerContactDetails'>[]>[]>;
}

/** What one step of the flow says about one customer in this run. */
export interface StepContribution {
  connector: string;
  /** The aspects this step is configured to take from its connector. */
  aspects: readonly Aspect[];
  /** The connector's record for the customer; absent when the step did not report it. */
  record?: CustomerRecord;
}
