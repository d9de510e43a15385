import { join } from 'node:path';
import { MockActivityEnvironment } from '@temporalio/testing';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeReferenceData, writeTemplateFile } from '../../bench/template-file-writer.js';
import { configSchema, type FlatFileConnectorConfig } from '../../src/config/config-schema.js';
import { planFlow } from '../../src/config/flow-plan.js';
import { createFlatFileConnector } from '../../src/connectors/flat-file/flat-file-connector.js';
import { inboxWith } from '../support/sample-data.js';
import { createTestActivities } from '../support/test-activities.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

const FILE = 'customer_20261102T020000.txt';
const inbox = inboxWith();
await writeTemplateFile(join(inbox, FILE), 2_000);
await writeReferenceData(join(inbox, 'reference-data.json'));
const config = configSchema.parse({
  connectors: { erp: { type: 'flat-file', folder: inbox, referenceData: join(inbox, 'reference-data.json'), minAge: '0s' } },
  flows: { erp: { source: { type: 'connector', connector: 'erp', aspects: ['name', 'addresses', 'contactPersons', 'customerAttributes'] } } },
});
const { steps } = planFlow(config, 'erp', { trigger: 'test' });
const connectorConfig = config.connectors.erp as FlatFileConnectorConfig;

describe('a large file staged through the mapping thread', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => db?.drop());
  const run = <A extends unknown[], R>(fn: (...a: A) => Promise<R>, ...args: A): Promise<R> => new MockActivityEnvironment().run(fn, ...args);

  async function stage(runId: string, threadsFromBytes: number) {
    const acts = createTestActivities(db, config, () => createFlatFileConnector('erp', connectorConfig, { threadsFromBytes }));
    await run(acts.beginRun, { runId, flow: 'erp', trigger: 'test', mode: 'full', steps });
    const [input] = await run(acts.selectInputs, { runId, stepIndex: 0, connector: 'erp' });
    const result = await run(acts.stageStep, { runId, stepIndex: 0, connector: 'erp', input: input!, inputIndex: 0, pageSize: 250, skipUnchanged: { steps } });
    const { rows } = await sql<{ external_id: string; seq: string; record: string; record_hash: string }>`select external_id, seq, record::text as record, record_hash
      from staging_records where run_id = ${runId} order by seq`.execute(db.db);
    return { result, rows };
  }

  it('stages the records, texts and hashes it stages without the thread', async () => {
    const threaded = await stage('sync/erp/20261102T020000Z-thread', 0);
    const inProcess = await stage('sync/erp/20261102T020000Z-process', Number.POSITIVE_INFINITY);
    expect(threaded.result).toEqual({ read: expect.any(Number) as number, staged: 2_000, rejected: 0 });
    expect(threaded.result).toEqual(inProcess.result);
    expect(threaded.rows).toHaveLength(2_000);
    expect(threaded.rows).toEqual(inProcess.rows);
    const { rows } = await sql<{ n: number }>`select count(*)::int as n from staging_records where run_id like 'sync/erp/20261102T020000Z-%' and md5(record::text) <> record_hash`.execute(db.db);
    expect(rows[0]!.n).toBe(0);
  });
});
