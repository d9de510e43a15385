import type { MergedCustomer, Provenance } from '../merge/merged-customer.js';
import { JsonText } from './json-text.js';
import type { ColumnSpec } from './json-rows.js';

type Row = Record<string, unknown>;

const provenanceColumns = { connector: 'text', run_id: 'text' } as const;
const childKey = { customer_id: 'uuid', item_key: 'text' } as const;

/** Every per-customer child table, its columns, and how a merged customer fills it. */
export const CHILD_TABLES = {
  addresses: {
    columns: {
      ...childKey,
      address_type: 'text',
      code: 'text',
      name: 'text',
      line1: 'text',
      line2: 'text',
      city: 'text',
      state: 'text',
      zip: 'text',
      country: 'text',
      ...provenanceColumns,
    },
    rows: (c: MergedCustomer) =>
      c.items.addresses.map((i) => ({
        item_key: i.key,
        address_type: i.value.type,
        code: i.value.code,
        name: i.value.name,
        line1: i.value.line1,
        line2: i.value.line2,
        city: i.value.city,
        state: i.value.state,
        zip: i.value.zip,
        country: i.value.country,
        ...prov(i.provenance),
      })),
  },
  contact_persons: {
    columns: {
      ...childKey,
      contact_ref: 'text',
      first_name: 'text',
      last_name: 'text',
      full_name: 'text',
      email: 'text',
      phone: 'text',
      ...provenanceColumns,
    },
    rows: (c: MergedCustomer) =>
      c.items.contactPersons.map((i) => ({
        item_key: i.key,
        contact_ref: i.value.id,
        first_name: i.value.firstName,
        last_name: i.value.lastName,
        full_name: i.value.fullName,
        email: i.value.email,
        phone: i.value.phone,
        ...prov(i.provenance),
      })),
  },
  customer_attributes: {
    columns: { ...childKey, key: 'text', value: 'jsonb', ...provenanceColumns },
    rows: (c: MergedCustomer) => c.items.customerAttributes.map((i) => ({ item_key: i.key, key: i.value.key, value: i.value.value, ...prov(i.provenance) })),
  },
  address_attributes: {
    columns: { ...childKey, address_key: 'text', key: 'text', value: 'jsonb', ...provenanceColumns },
    rows: (c: MergedCustomer) =>
      c.items.addressAttributes.map((i) => ({ item_key: i.key, key: i.value.key, value: i.value.value, address_key: i.value.addressKey, ...prov(i.provenance) })),
  },
  contact_person_attributes: {
    columns: { ...childKey, contact_key: 'text', key: 'text', value: 'jsonb', ...provenanceColumns },
    rows: (c: MergedCustomer) =>
      c.items.contactPersonAttributes.map((i) => ({ item_key: i.key, key: i.value.key, value: i.value.value, contact_key: i.value.contactKey, ...prov(i.provenance) })),
  },
  customer_contact_details: {
    columns: { ...childKey, kind: 'text', value: 'text', ...provenanceColumns },
    rows: (c: MergedCustomer) => c.items.customerContactDetails.map((i) => ({ item_key: i.key, kind: i.value.kind, value: i.value.value, ...prov(i.provenance) })),
  },
  address_contact_details: {
    columns: { ...childKey, address_key: 'text', kind: 'text', value: 'text', ...provenanceColumns },
    rows: (c: MergedCustomer) =>
      c.items.addressContactDetails.map((i) => ({ item_key: i.key, kind: i.value.kind, value: i.value.value, address_key: i.value.addressKey, ...prov(i.provenance) })),
  },
  contact_person_contact_details: {
    columns: { ...childKey, contact_key: 'text', kind: 'text', value: 'text', ...provenanceColumns },
    rows: (c: MergedCustomer) =>
      c.items.contactPersonContactDetails.map((i) => ({ item_key: i.key, kind: i.value.kind, value: i.value.value, contact_key: i.value.contactKey, ...prov(i.provenance) })),
  },
  attachments: {
    columns: { ...childKey, name: 'text', content_type: 'text', url: 'text', checksum: 'text', ...provenanceColumns },
    rows: (c: MergedCustomer) =>
      c.items.attachments.map((i) => ({
        item_key: i.key,
        name: i.value.name,
        content_type: i.value.contentType,
        url: i.value.url,
        checksum: i.value.checksum,
        ...prov(i.provenance),
      })),
  },
  customer_relations: {
    columns: { customer_id: 'uuid', parent_external_id: 'text', relation_type: 'text', sub_department_external_ids: 'jsonb', ...provenanceColumns },
    rows: (c: MergedCustomer): Row[] =>
      c.relations
        ? [
            {
              parent_external_id: c.relations.value.parentExternalId,
              relation_type: c.relations.value.relationType,
              sub_department_external_ids: c.relations.value.subDepartmentExternalIds ?? null,
              ...prov(c.relations.provenance),
            },
          ]
        : [],
  },
} satisfies Record<string, { columns: ColumnSpec; rows: (c: MergedCustomer) => Row[] }>;

export type ChildTable = keyof typeof CHILD_TABLES;

export const CUSTOMER_COLUMNS: ColumnSpec = {
  id: 'uuid',
  type: 'text',
  first_name: 'text',
  last_name: 'text',
  display_name: 'text',
  company_name: 'text',
  source_connector: 'text',
  source_id: 'text',
  relation_type: 'text',
  content_hash: 'text',
  input_hash: 'text',
  merged: 'jsonb',
  created_run_id: 'text',
  updated_run_id: 'text',
};

/** The `customers` row of a merged customer. */
export function customerRow(
  id: string,
  c: MergedCustomer,
  meta: {
    sourceConnector: string;
    sourceId: string;
    contentHash: string;
    /** null: merged from no run's inputs (a customer the API created), so the next run merges it. */
    inputHash: string | null;
    runId: string;
    createdRunId: string;
    /** The merged customer's canonical JSON when already written (for its content hash): sent as it is. */
    mergedJson?: string;
  },
): Row {
  const name = c.name?.value ?? {};
  return {
    id,
    type: c.type,
    first_name: name.firstName,
    last_name: name.lastName,
    display_name: name.displayName,
    company_name: name.companyName,
    source_connector: meta.sourceConnector,
    source_id: meta.sourceId,
    relation_type: c.relations?.value.relationType,
    content_hash: meta.contentHash,
    input_hash: meta.inputHash,
    merged: meta.mergedJson === undefined ? c : new JsonText(meta.mergedJson),
    created_run_id: meta.createdRunId,
    updated_run_id: meta.runId,
  };
}

function prov(p: Provenance) {
  return { connector: p.connector, run_id: p.runId };
}
