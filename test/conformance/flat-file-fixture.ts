import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SHARED_DATA, SNAPSHOT } from '../support/sample-data.js';
import type { ConformanceCustomer } from './connector-conformance.js';

/** A standard-template file holding the customers: the sample snapshot's first row, once per customer. */
export function writeTemplateFile(folder: string, customers: readonly ConformanceCustomer[]): string {
  const [header, first] = readFileSync(join(SHARED_DATA, SNAPSHOT), 'utf8').split('\n');
  const columns = header!.split('|');
  const base = first!.split('|');
  const set = (row: string[], column: string, value: string) => (row[columns.indexOf(column)] = value);
  const rows = customers.map((c) => {
    const row = [...base];
    set(row, 'customer_code', c.externalId);
    set(row, 'profile_name', c.companyName);
    return row.join('|');
  });
  const path = join(folder, 'customer_20261101T020000.txt');
  writeFileSync(path, [header, ...rows].join('\n') + '\n');
  return path;
}
