import { copyFileSync, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The shared sample files (../shared/data beside the repository). */
export const SHARED_DATA = fileURLToPath(new URL('../../../shared/data/', import.meta.url));
export const SNAPSHOT = 'customer_20261101T020000.txt';
export const DELTA = 'customer_20261101T030000_delta.txt';
export const BAD_ROWS = 'customer_20261101T040000_badrows.txt';
export const EXAMPLES = fileURLToPath(new URL('../../examples/', import.meta.url));

/** A temporary inbox folder holding copies of the given sample files. */
export function inboxWith(...files: string[]): string {
  const dir = mkdtempSync(join(tmpdir(), 'custsync-inbox-'));
  mkdirSync(dir, { recursive: true });
  for (const f of files) copyFileSync(join(SHARED_DATA, f), join(dir, f));
  return dir;
}

/** Drops a copy of a sample file into an inbox, as an upload arriving later would. */
export function dropInto(inbox: string, file: string, as = file): void {
  copyFileSync(join(SHARED_DATA, file), join(inbox, as));
}
