import { BAD_ROWS, DELTA, SHARED_DATA, SNAPSHOT } from '../../support/sample-data.js';
import type { CustomerRecord, RejectedRecord } from '../../../src/domain/customer-record.js';
import { readDelimitedRows, readHeaderRow } from '../../../src/connectors/flat-file/delimited-reader.js';
import type { ReferenceData } from '../../../src/connectors/flat-file/reference-data.js';
import { parseTemplateHeader } from '../../../src/connectors/flat-file/template-header.js';
import { mapTemplateRow } from '../../../src/connectors/flat-file/template-row-mapper.js';

/** The shared sample flat files (`../shared/data` beside the repository). */
export const sampleDataDir = SHARED_DATA;

export const SNAPSHOT_FILE = SNAPSHOT;
export const DELTA_FILE = DELTA;
export const BAD_ROWS_FILE = BAD_ROWS;

export function samplePath(fileName: string): string {
  return `${sampleDataDir}${fileName}`;
}

/** Reads a standard-template sample file, mapping every data row. */
export async function mapSampleFile(
  fileName: string,
  referenceData?: ReferenceData,
): Promise<{ records: CustomerRecord[]; rejects: RejectedRecord[] }> {
  const path = samplePath(fileName);
  const { row, endOffset } = await readHeaderRow(path);
  const header = parseTemplateHeader(row.fields);
  const records: CustomerRecord[] = [];
  const rejects: RejectedRecord[] = [];
  for await (const dataRow of readDelimitedRows(path, { startOffset: endOffset, startLine: row.line + 1 })) {
    const result = mapTemplateRow(dataRow, header, { fileName, referenceData });
    if (result.ok) records.push(result.record);
    else rejects.push(result.reject);
  }
  return { records, rejects };
}

/** Combines the row fragments of each customer: list aspects are concatenated, attributes deduplicated by key. */
export function combineByExternalId(records: CustomerRecord[]): Map<string, CustomerRecord> {
  const customers = new Map<string, CustomerRecord>();
  for (const record of records) {
    const existing = customers.get(record.externalId);
    if (!existing) {
      customers.set(record.externalId, structuredClone(record));
      continue;
    }
    existing.addresses = [...(existing.addresses ?? []), ...(record.addresses ?? [])];
    existing.addressContactDetails = [...(existing.addressContactDetails ?? []), ...(record.addressContactDetails ?? [])];
    existing.addressAttributes = [...(existing.addressAttributes ?? []), ...(record.addressAttributes ?? [])];
    const byEmail = new Map((existing.contactPersons ?? []).map((p) => [p.email, p]));
    for (const person of record.contactPersons ?? []) byEmail.set(person.email, person);
    existing.contactPersons = [...byEmail.values()];
    const byKey = new Map((existing.customerAttributes ?? []).map((a) => [a.key, a]));
    for (const attribute of record.customerAttributes ?? []) byKey.set(attribute.key, attribute);
    existing.customerAttributes = [...byKey.values()];
    const details = new Map((existing.customerContactDetails ?? []).map((d) => [`${d.kind}:${d.value}`, d]));
    for (const detail of record.customerContactDetails ?? []) details.set(`${detail.kind}:${detail.value}`, detail);
    existing.customerContactDetails = [...details.values()];
  }
  return customers;
}

/** A customer's attributes as a plain object. */
export function attributesOf(record: CustomerRecord | undefined): Record<string, unknown> {
  return Object.fromEntries((record?.customerAttributes ?? []).map((a) => [a.key, a.value]));
}
