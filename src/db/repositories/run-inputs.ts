import { sql, type Kysely } from 'kysely';
import type { ConnectorInput } from '../../domain/connector-input.js';
import type { InputReport } from '../../domain/run-types.js';
import type { Database } from '../database.js';

/** An input as a run's step selected it: staged (`applied`) or skipped (`superseded`, `duplicate`). */
export interface SelectedInput {
  input: ConnectorInput;
  status: 'applied' | 'superseded' | 'duplicate';
  /** For a duplicate: the earlier input with the same content. */
  duplicateOf?: string;
}

/** Replaces a step's recorded selection and the step's list of input names. */
export async function recordSelectedInputs(
  db: Kysely<Database>,
  runId: string,
  stepIndex: number,
  connector: string,
  selected: SelectedInput[],
): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await trx.deleteFrom('sync_run_inputs').where('run_id', '=', runId).where('step_index', '=', stepIndex).execute();
    if (selected.length > 0) {
      await trx
        .insertInto('sync_run_inputs')
        .values(
          selected.map((s, position) => ({
            run_id: runId,
            step_index: stepIndex,
            position,
            connector,
            name: s.input.name,
            checksum: s.input.checksum,
            size: s.input.size ?? null,
            kind: s.input.kind ?? 'full',
            status: s.status,
            duplicate_of: s.duplicateOf ?? null,
            since: s.input.since ?? null,
            next_cursor: s.input.nextCursor ?? null,
          })),
        )
        .execute();
    }
    await trx
      .updateTable('sync_run_steps')
      .set({ inputs: JSON.stringify(selected.filter((s) => s.status === 'applied').map((s) => s.input.name)) })
      .where('run_id', '=', runId)
      .where('step_index', '=', stepIndex)
      .execute();
    // What the run reads is known from here on: a run that waits (for a deletion decision) shows it.
    await trx.updateTable('sync_runs').set({ mode: sourceMode(runId) }).where('id', '=', runId).execute();
  });
}

/** A step's recorded selection, in order. */
export async function loadSelectedInputs(db: Kysely<Database>, runId: string, stepIndex: number): Promise<SelectedInput[]> {
  const rows = await db
    .selectFrom('sync_run_inputs')
    .selectAll()
    .where('run_id', '=', runId)
    .where('step_index', '=', stepIndex)
    .orderBy('position')
    .execute();
  return rows.map((r) => ({
    input: {
      name: r.name,
      checksum: r.checksum,
      kind: r.kind,
      ...(r.size !== null ? { size: Number(r.size) } : {}),
      ...(r.since !== null ? { since: r.since } : {}),
      ...(r.next_cursor !== null ? { nextCursor: r.next_cursor } : {}),
    },
    status: r.status,
    ...(r.duplicate_of !== null ? { duplicateOf: r.duplicate_of } : {}),
  }));
}

/** Records what one input gave: how many raw records were read and rejected, and what the connector noticed about it as a whole. */
export async function recordInputOutcome(
  db: Kysely<Database>,
  runId: string,
  stepIndex: number,
  name: string,
  outcome: { read: number; rejected: number } | { warnings: string[] },
): Promise<void> {
  const warnings =
    'warnings' in outcome
      ? await db
          .selectFrom('sync_run_inputs')
          .select('warnings')
          .where('run_id', '=', runId)
          .where('step_index', '=', stepIndex)
          .where('name', '=', name)
          .executeTakeFirst()
          .then((row) => [...new Set([...(row?.warnings ?? []), ...outcome.warnings])])
      : undefined;
  await db
    .updateTable('sync_run_inputs')
    .set('warnings' in outcome ? { warnings: JSON.stringify(warnings) } : outcome)
    .where('run_id', '=', runId)
    .where('step_index', '=', stepIndex)
    .where('name', '=', name)
    .execute();
}

/**
 * Records the cursor an input's read ended with (a source's last state), for the flow's next run:
 * stored as the connector's cursor only when this run completes.
 */
export async function recordInputNextCursor(db: Kysely<Database>, runId: string, stepIndex: number, name: string, nextCursor: string): Promise<void> {
  await db
    .updateTable('sync_run_inputs')
    .set({ next_cursor: nextCursor })
    .where('run_id', '=', runId)
    .where('step_index', '=', stepIndex)
    .where('name', '=', name)
    .execute();
}

/** Every input of a run by step, for its report. */
export async function loadInputReports(db: Kysely<Database>, runId: string): Promise<Map<number, InputReport[]>> {
  const rows = await db
    .selectFrom('sync_run_inputs')
    .select(['step_index', 'name', 'kind', 'status', 'read', 'rejected', 'duplicate_of', 'warnings'])
    .where('run_id', '=', runId)
    .orderBy('step_index')
    .orderBy('position')
    .execute();
  const byStep = new Map<number, InputReport[]>();
  for (const r of rows) {
    let list = byStep.get(r.step_index);
    if (!list) byStep.set(r.step_index, (list = []));
    list.push({
      name: r.name,
      kind: r.kind,
      status: r.status,
      read: r.read,
      rejected: r.rejected,
      ...(r.duplicate_of !== null ? { duplicateOf: r.duplicate_of } : {}),
      warnings: r.warnings,
    });
  }
  return byStep;
}

/**
 * Records a completed run's inputs of connectors that consume them (files) as processed,
 * superseded ones included: they are never read again.
 */
export async function recordConsumedInputs(
  db: Kysely<Database>,
  runId: string,
  consumingConnectors: string[],
): Promise<void> {
  if (consumingConnectors.length === 0) return;
  await sql`insert into connector_inputs (connector, name, checksum, run_id)
    select connector, name, checksum, run_id from sync_run_inputs
    where run_id = ${runId} and connector = any(${consumingConnectors}::text[])
    on conflict (connector, name, checksum) do nothing`.execute(db);
}

/** Inputs of a connector already processed, as `name\0checksum` keys. */
export async function processedInputKeys(db: Kysely<Database>, connector: string): Promise<Set<string>> {
  const rows = await db.selectFrom('connector_inputs').select(['name', 'checksum']).where('connector', '=', connector).execute();
  return new Set(rows.map((p) => `${p.name}\u0000${p.checksum}`));
}

/** The input of a connector processed last (the last one of the last run that processed any). */
export async function lastProcessedInput(
  db: Kysely<Database>,
  connector: string,
): Promise<{ name: string; checksum: string; runId: string } | undefined> {
  const row = await db
    .selectFrom('connector_inputs as ci')
    .leftJoin('sync_run_inputs as ri', (join) =>
      join
        .onRef('ri.run_id', '=', 'ci.run_id')
        .onRef('ri.connector', '=', 'ci.connector')
        .onRef('ri.name', '=', 'ci.name')
        .onRef('ri.checksum', '=', 'ci.checksum'),
    )
    .select(['ci.name', 'ci.checksum', 'ci.run_id'])
    .where('ci.connector', '=', connector)
    .orderBy('ci.processed_at', 'desc')
    .orderBy(sql`ri.position desc nulls last`)
    .limit(1)
    .executeTakeFirst();
  return row && { name: row.name, checksum: row.checksum, runId: row.run_id };
}

/** Where the incremental listing of the connector stands for the run's flow, if the flow has completed a run before. */
export async function connectorCursorForRun(db: Kysely<Database>, runId: string, connector: string): Promise<string | undefined> {
  const row = await db
    .selectFrom('connector_cursors as k')
    .innerJoin('sync_runs as r', 'r.flow', 'k.flow')
    .select('k.cursor')
    .where('r.id', '=', runId)
    .where('k.connector', '=', connector)
    .executeTakeFirst();
  return row?.cursor;
}

/** Stores the cursors a completed run's incremental listings lead to, for the flow's next run. */
export async function storeConnectorCursors(db: Kysely<Database>, runId: string): Promise<void> {
  await sql`insert into connector_cursors (flow, connector, cursor, run_id, updated_at)
    select r.flow, i.connector, i.next_cursor, r.id, now() from sync_run_inputs i join sync_runs r on r.id = i.run_id
    where i.run_id = ${runId} and i.next_cursor is not null and i.status = 'applied'
    on conflict (flow, connector) do update set cursor = excluded.cursor, run_id = excluded.run_id, updated_at = excluded.updated_at`.execute(db);
}

/**
 * What the run's source read: `full` if any full snapshot, `delta` if only deltas,
 * `none` if nothing (or the flow's source is the current data).
 */
export function sourceMode(runId: string) {
  return sql<string>`coalesce((select case when bool_or(i.kind = 'full') then 'full' else 'delta' end
    from sync_run_inputs i join sync_run_steps st on st.run_id = i.run_id and st.step_index = i.step_index
    where i.run_id = ${runId} and st.role = 'source' and i.status = 'applied'), 'none')`;
}
