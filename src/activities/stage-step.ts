import { Context } from '@temporalio/activity';
import { sql } from 'kysely';
import type { ConnectorInput, ConnectorPage } from '../connectors/connector.js';
import { InputError } from '../connectors/input-error.js';
import { readInput } from '../connectors/read-input.js';
import { insertRejectedRecords } from '../db/repositories/rejected-records.js';
import { recordInputOutcome } from '../db/repositories/run-inputs.js';
import type { ActivityDeps } from './activity-deps.js';
import { matchKeyOf } from './match-key.js';
import { SEQ_STRIDE } from './staging-positions.js';

export interface StageStepInput {
  runId: string;
  stepIndex: number;
  connector: string;
  input: ConnectorInput;
  /** Position of the input within the step; keeps fragment order across inputs. */
  inputIndex: number;
  pageSize: number;
  /** Enrichment steps: how records are matched (see `matchKeyOf`). */
  matchBy?: string;
  /** Fail (non-retryably) when more than this percent of the input's rows are rejected. */
  maxRejectedPercent?: number;
}

export interface StageStepResult {
  read: number;
  staged: number;
  rejected: number;
}

interface StageHeartbeat {
  input: string;
  cursor: string;
  read: number;
  rejected?: number;
}

/**
 * Streams one connector input into the staging table page by page, heartbeating
 * the cursor after each committed page; a retry resumes from the last cursor.
 * Rewriting a page is harmless (keyed upserts), so the activity is idempotent.
 */
export function stageStepActivity({ db, connectors }: ActivityDeps) {
  return async function stageStep(input: StageStepInput): Promise<StageStepResult> {
    const ctx = Context.current();
    const last = ctx.info.heartbeatDetails as StageHeartbeat | undefined;
    const resume = last && last.input === input.input.name ? last : undefined;
    let read = resume?.read ?? 0;
    let rejectedHere = resume?.rejected ?? 0;

    const writePage = async (page: ConnectorPage) => {
      if (page.warnings && page.warnings.length > 0) {
        await recordInputOutcome(db, input.runId, input.stepIndex, input.input.name, { warnings: page.warnings });
      }
      await db.transaction().execute(async (trx) => {
        await sql`insert into staging_records (run_id, step_index, external_id, seq, record, record_hash, match_key)
          select ${input.runId}, ${input.stepIndex}, x.external_id, x.seq, x.record, md5(x.record::text), x.match_key
          from jsonb_to_recordset(${JSON.stringify(
            page.fragments.map((f) => ({
              external_id: f.record.externalId,
              seq: input.inputIndex * SEQ_STRIDE + f.seq,
              record: f.record,
              match_key: input.matchBy ? matchKeyOf(f.record, input.matchBy) : null,
            })),
          )}::jsonb) as x(external_id text, seq bigint, record jsonb, match_key text)
          on conflict (run_id, step_index, external_id, seq)
          do update set record = excluded.record, record_hash = excluded.record_hash, match_key = excluded.match_key`.execute(trx);
        await insertRejectedRecords(
          trx,
          page.rejects.map((r) => ({
            run_id: input.runId,
            step_index: input.stepIndex,
            source: r.source,
            line: r.line,
            external_id: r.externalId ?? null,
            field: r.field ?? null,
            reason: r.reason,
            raw: r.raw ?? null,
          })),
        );
      });
      read += page.read;
      rejectedHere += page.rejects.length;
      ctx.heartbeat({ input: input.input.name, cursor: page.cursor, read, rejected: rejectedHere } satisfies StageHeartbeat);
    };

    // The next page is parsed while the previous one is written; pages commit in order.
    let writing: Promise<void> | undefined;
    for await (const page of readInput(() => connectors(input.connector), input.input, { cursor: resume?.cursor, pageSize: input.pageSize })) {
      if (writing) await writing;
      writing = writePage(page);
      writing.catch(() => undefined);
    }
    if (writing) await writing;
    if (input.inputIndex > 0) await supersedeEarlierRecords(db, input);
    await recordInputOutcome(db, input.runId, input.stepIndex, input.input.name, { read, rejected: rejectedHere });
    if (input.maxRejectedPercent !== undefined && read > 0 && rejectedHere * 100 > input.maxRejectedPercent * read) {
      throw new InputError(
        `${input.input.name}: ${rejectedHere} of ${read} rows rejected (${((100 * rejectedHere) / read).toFixed(1)}%), ` +
          `more than the flow's maxRejectedPercent of ${input.maxRejectedPercent}%; nothing of the run was merged. ` +
          `See the rejects with: custsync runs rejects ${input.runId}; fix the file and run the flow again`,
      );
    }

    const counts = await sql<{ staged: number; rejected: number }>`select
        (select count(distinct external_id) from staging_records where run_id = ${input.runId} and step_index = ${input.stepIndex})::int as staged,
        (select count(*) from rejected_records where run_id = ${input.runId} and step_index = ${input.stepIndex})::int as rejected`.execute(
      db,
    );
    const { staged, rejected } = counts.rows[0]!;
    await db
      .updateTable('sync_run_steps')
      .set({ read, staged, rejected })
      .where('run_id', '=', input.runId)
      .where('step_index', '=', input.stepIndex)
      .execute();
    return { read, staged, rejected };
  };
}

/**
 * Inputs of a step apply in order: a customer in this input replaces what earlier
 * inputs of the same step said about it (a delta's record is the customer's whole
 * record), as if the inputs had been applied one run after another.
 */
async function supersedeEarlierRecords(db: ActivityDeps['db'], input: StageStepInput): Promise<void> {
  const from = input.inputIndex * SEQ_STRIDE;
  await sql`delete from staging_records s using (
      select distinct external_id from staging_records
      where run_id = ${input.runId} and step_index = ${input.stepIndex} and seq >= ${from} and seq < ${from + SEQ_STRIDE}
    ) later
    where s.run_id = ${input.runId} and s.step_index = ${input.stepIndex} and s.seq < ${from}
      and s.external_id = later.external_id`.execute(db);
}
