import { createHash } from 'node:crypto';
import { appendFileSync, copyFileSync, mkdtempSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { flatFileConnectorSchema } from '../../../src/config/config-schema.js';
import { createFlatFileConnector } from '../../../src/connectors/flat-file/flat-file-connector.js';
import { SHARED_DATA, SNAPSHOT } from '../../support/sample-data.js';

function inbox(files: Record<string, Date>): string {
  const dir = mkdtempSync(join(tmpdir(), 'custsync-discovery-'));
  for (const [name, mtime] of Object.entries(files)) {
    copyFileSync(join(SHARED_DATA, SNAPSHOT), join(dir, name));
    utimesSync(join(dir, name), mtime, mtime);
  }
  return dir;
}

const connector = (folder: string, options: Record<string, unknown> = {}) =>
  createFlatFileConnector('erp', flatFileConnectorSchema.parse({ type: 'flat-file', folder, ...options }));
const names = async (folder: string, options: Record<string, unknown> = {}) =>
  (await connector(folder, options).listInputs()).map((i) => i.name);

describe('which files a flat-file connector reads, in which order', () => {
  it('orders by the timestamp in the name, and by modification time where a name has none', async () => {
    const dir = inbox({
      'customer_a_20261101T040000.txt': new Date('2026-11-01T01:00:00Z'),
      'customer_b_20261101T030000.txt': new Date('2026-11-01T05:00:00Z'),
      'customer_latest.txt': new Date('2026-11-01T03:30:00Z'),
    });
    expect(await names(dir)).toEqual(['customer_b_20261101T030000.txt', 'customer_latest.txt', 'customer_a_20261101T040000.txt']);
    expect(await names(dir, { timestampPattern: false })).toEqual([
      'customer_a_20261101T040000.txt',
      'customer_latest.txt',
      'customer_b_20261101T030000.txt',
    ]);
  });

  it('matches names regardless of case when asked', async () => {
    const dir = inbox({ 'CUSTOMER_20261101T020000.TXT': new Date('2026-11-01T02:00:00Z') });
    expect(await names(dir, { pattern: 'customer_*.txt' })).toEqual([]);
    expect(await names(dir, { pattern: 'customer_*.txt', caseInsensitive: true })).toEqual(['CUSTOMER_20261101T020000.TXT']);
  });

  it('leaves a file that grows between two listings for a later run', async () => {
    const dir = inbox({ [SNAPSHOT]: new Date('2026-11-01T02:00:00Z') });
    // The file grows while the connector waits out the interval: its timer is the only one, and the test moves it.
    vi.useFakeTimers({ toFake: ['setTimeout'] });
    try {
      const listing = names(dir, { stabilityInterval: '600ms' });
      for (let turns = 0; vi.getTimerCount() === 0; turns++) {
        if (turns > 100_000) throw new Error('the connector never waited for the stability interval');
        await new Promise((r) => setImmediate(r));
      }
      appendFileSync(join(dir, SNAPSHOT), 'still|uploading\n');
      await vi.advanceTimersByTimeAsync(600);
      expect(await listing).toEqual([]);
    } finally {
      vi.useRealTimers();
    }
    expect(await names(dir, { stabilityInterval: '200ms' })).toEqual([SNAPSHOT]);
  });

  it('lists a file left in the folder with the same checksum each time, and a new one when its bytes change, however its times are set', async () => {
    const dir = inbox({ [SNAPSHOT]: new Date('2026-11-01T02:00:00Z') });
    const erp = connector(dir);
    const checksum = async () => (await erp.listInputs()).map((i) => i.checksum);
    const [first] = await checksum();
    expect(first).toMatch(/^[0-9a-f]{64}$/);
    expect(await checksum()).toEqual([first]);
    // The same size and modification time, other bytes: a copy tool that keeps times, say.
    const path = join(dir, SNAPSHOT);
    const bytes = readFileSync(path);
    bytes[bytes.length - 2] = bytes[bytes.length - 2] === 0x41 ? 0x42 : 0x41;
    writeFileSync(path, bytes);
    utimesSync(path, new Date('2026-11-01T02:00:00Z'), new Date('2026-11-01T02:00:00Z'));
    const [second] = await checksum();
    expect(second).not.toBe(first);
    expect(second).toBe(createHash('sha256').update(bytes).digest('hex'));
  });

  it('refuses a pattern that does not compile, at config time', () => {
    const parsed = flatFileConnectorSchema.safeParse({ type: 'flat-file', folder: '/x', pattern: '/customer(/', timestampPattern: '/(\\d{8})/' });
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues.map((i) => i.path.join('.'))).toEqual(['pattern', 'timestampPattern']);
  });
});
