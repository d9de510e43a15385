import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SHARED_DATA } from './sample-data.js';

/** Writes a variant of a sample file into an inbox: its header and the rows `keep` accepts, each row passed through `edit`. */
export function writeSampleVariant(
  inbox: string,
  sample: string,
  as: string,
  keep: (row: string) => boolean,
  edit: (row: string) => string = (row) => row,
): void {
  const [header, ...rows] = readFileSync(join(SHARED_DATA, sample), 'utf8').split('\n');
  const kept = rows.filter((r) => r.trim() !== '' && keep(r)).map(edit);
  writeFileSync(join(inbox, as), [header, ...kept].join('\n') + '\n');
}

/** Whether a template row belongs to one of the given customer codes. */
export const rowOf =
  (...codes: string[]) =>
  (row: string): boolean =>
    codes.includes(row.split('|')[1] ?? '');
