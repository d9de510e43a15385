import { createHash } from 'node:crypto';
import { writeFileSync, mkdtempSync } from 'node:fs';
import { request } from 'node:http';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { freePort } from '../../src/tooling/free-port.js';
import { startCustsync, writeConfig } from '../support/run-cli.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

const TOKEN = 'serve-drain-token-1';

/** Whether a new TCP connection to the port is refused (the server stopped listening). */
const refused = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', () => resolve(true));
  });

describe('custsync serve stopped with SIGTERM', () => {
  let db: TestDatabase;
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    db = await createTestDatabase();
    const file = join(mkdtempSync(join(tmpdir(), 'custsync-serve-drain-')), 'erp.jsonl');
    writeFileSync(file, '');
    env = {
      DATABASE_URL: db.url,
      TEMPORAL_ADDRESS: inject('temporalAddress'),
      CUSTSYNC_SESSION_KEY: 'ef'.repeat(32),
      CUSTSYNC_CONFIG: writeConfig(
        JSON.stringify({
          connectors: { erp: { type: 'jsonl-file', path: file } },
          flows: { erp: { source: { type: 'connector', connector: 'erp', aspects: ['name'] }, schedule: false } },
          api: { tokens: { crm: { system: 'crm', scopes: ['read', 'write'], sha256: createHash('sha256').update(TOKEN).digest('hex') } } },
        }),
      ),
    };
  });
  afterAll(async () => {
    await db?.drop();
  });

  it('stops accepting connections, finishes the request in flight, and exits 0', { timeout: 120_000 }, async () => {
    const port = await freePort();
    const serve = startCustsync(['serve', '--port', String(port)], env);
    await expect.poll(() => serve.stderr(), { timeout: 60_000, interval: 200 }).toContain('serving at');

    const body = JSON.stringify({ type: 'PERSON', name: { firstName: 'Siri', lastName: 'Stopp' } });
    let answered: (value: { status: number; text: string }) => void = () => undefined;
    const answer = new Promise<{ status: number; text: string }>((resolve) => (answered = resolve));
    const inFlight = request(
      { host: '127.0.0.1', port, method: 'PUT', path: '/api/v1/customers/crm/S1', headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } },
      (res) => {
        let text = '';
        res.on('data', (chunk: Buffer) => (text += chunk.toString()));
        res.on('end', () => answered({ status: res.statusCode!, text }));
      },
    );
    inFlight.write(body.slice(0, 10));
    // The server has the request (its log says so) but not yet its whole body.
    await expect.poll(() => serve.stderr(), { timeout: 30_000, interval: 100 }).toContain('/api/v1/customers/crm/S1');

    serve.kill();
    await expect.poll(() => refused(port), { timeout: 30_000, interval: 100 }).toBe(true);
    inFlight.end(body.slice(10));
    const { status, text } = await answer;
    expect(status, text).toBe(201);
    expect(JSON.parse(text)).toMatchObject({ change: 'created', customer: { sourceId: 'S1' } });
    const stopped = await serve.done;
    expect(stopped.code, stopped.stderr).toBe(0);
    expect(await db.db.selectFrom('customers').select('source_id').execute()).toEqual([{ source_id: 'S1' }]);
  });
});
