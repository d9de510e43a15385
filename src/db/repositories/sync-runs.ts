import { sql, type Kysely, type Selectable } from 'kysely';
import type { ConsumedInput, FlowStepPlan, RunTotals, RunTrigger, StepStats } from '../../domain/run-types.js';
import type { Database, SyncRunsTable } from '../database.js';
import { sourceMode } from './run-inputs.js';
import { forgetStagingSentinel } from './staging-sentinels.js';

/** A run as `beginRun` records it. */
export interface BegunRun {
  runId: string;
  flow: string;
  trigger: RunTrigger;
  mode?: 'full' | 'delta';
  steps: FlowStepPlan[];
  dryRun?: boolean;
}

/** Records the run and its steps; a retried run is marked running again. */
export async function recordRunBegun(db: Kysely<Database>, run: BegunRun): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await trx
      .insertInto('sync_runs')
      .values({ id: run.runId, flow: run.flow, trigger: run.trigger, status: 'running', mode: run.mode ?? 'none', dry_run: run.dryRun ?? false })
      .onConflict((oc) => oc.column('id').doUpdateSet({ status: 'running', finished_at: null, error: null }))
      .execute();
    if (run.steps.length === 0) return;
    await trx
      .insertInto('sync_run_steps')
      .values(run.steps.map((s, i) => ({ run_id: run.runId, step_index: i, role: s.role, connector: s.connector, inputs: '[]' })))
      .onConflict((oc) => oc.columns(['run_id', 'step_index']).doNothing())
      .execute();
  });
}

/** Records how the run ended (its finish time only once), its totals and each step's counts. */
export async function recordRunFinished(
  db: Kysely<Database>,
  runId: string,
  outcome: { status: 'completed' | 'failed'; totals: RunTotals; error?: string; steps: readonly StepStats[] },
): Promise<void> {
  const t = outcome.totals;
  await db
    .updateTable('sync_runs')
    .set({
      status: outcome.status,
      finished_at: sql<Date>`coalesce(finished_at, now())`,
      created: t.created,
      updated: t.updated,
      unchanged: t.unchanged,
      rejected: t.rejected,
      error: outcome.error ?? null,
      mode: sourceMode(runId),
    })
    .where('id', '=', runId)
    .execute();
  for (const [index, step] of outcome.steps.entries()) {
    await db
      .updateTable('sync_run_steps')
      .set({ inputs: JSON.stringify(step.inputs), read: step.read, staged: step.staged, matched: step.matched, unmatched: step.unmatched, rejected: step.rejected })
      .where('run_id', '=', runId)
      .where('step_index', '=', index)
      .execute();
  }
}

/** Whether the run is a dry run (undefined when there is no such run). */
export async function isDryRun(db: Kysely<Database>, runId: string): Promise<boolean | undefined> {
  const run = await db.selectFrom('sync_runs').select('dry_run').where('id', '=', runId).executeTakeFirst();
  return run?.dry_run;
}

/** Inputs named in a run's `consumed` list recorded as processed (runs begun before inputs were recorded one by one). */
export async function recordConsumedByName(db: Kysely<Database>, runId: string, consumed: readonly ConsumedInput[]): Promise<void> {
  if (consumed.length === 0) return;
  await db
    .insertInto('connector_inputs')
    .values(consumed.map((c) => ({ connector: c.connector, name: c.input.name, checksum: c.input.checksum, run_id: runId })))
    .onConflict((oc) => oc.columns(['connector', 'name', 'checksum']).doNothing())
    .execute();
}

/** Removes the run's staging; a completed run also its merge set (a failed one keeps it for its retry). */
export async function clearRunWorkspace(db: Kysely<Database>, runId: string, options: { keepMergeSet: boolean }): Promise<void> {
  await db.deleteFrom('staging_records').where('run_id', '=', runId).execute();
  await db.deleteFrom('unchanged_pages').where('run_id', '=', runId).execute();
  await forgetStagingSentinel(db, runId);
  if (!options.keepMergeSet) await db.deleteFrom('sync_run_merge_set').where('run_id', '=', runId).execute();
}

/** The inputs a run read, in no particular order. */
export async function runInputsOf(db: Kysely<Database>, runId: string): Promise<{ connector: string; name: string; checksum: string }[]> {
  return db.selectFrom('sync_run_inputs').select(['connector', 'name', 'checksum']).where('run_id', '=', runId).execute();
}

/** Adds refused records to a step's rejected count. */
export async function addStepRejects(db: Kysely<Database>, runId: string, stepIndex: number, n: number): Promise<void> {
  await db
    .updateTable('sync_run_steps')
    .set((eb) => ({ rejected: eb('rejected', '+', n) }))
    .where('run_id', '=', runId)
    .where('step_index', '=', stepIndex)
    .execute();
}

/** A step's counts after matching. */
export async function setStepMatchCounts(db: Kysely<Database>, runId: string, stepIndex: number, counts: { matched: number; unmatched: number }): Promise<void> {
  await db.updateTable('sync_run_steps').set(counts).where('run_id', '=', runId).where('step_index', '=', stepIndex).execute();
}

/** A step's counts after staging. */
export async function setStepStageCounts(
  db: Kysely<Database>,
  runId: string,
  stepIndex: number,
  counts: { read: number; staged: number; rejected: number },
): Promise<void> {
  await db.updateTable('sync_run_steps').set(counts).where('run_id', '=', runId).where('step_index', '=', stepIndex).execute();
}

/** A run as `runs list` shows it. */
export type RunRow = Selectable<SyncRunsTable>;

/** Which runs a list shows: every filter given must hold. */
export interface RunFilter {
  flow?: string;
  /** `waiting`: running and waiting for a decision on its deletions; `running` leaves those out. */
  status?: RunRow['status'] | 'waiting';
  trigger?: string;
  /** Started before this time (the next page of a list, newest first). */
  startedBefore?: Date;
}

/** The latest runs matching `filter`, newest first. */
export async function latestRuns(db: Kysely<Database>, options: RunFilter & { limit: number }): Promise<RunRow[]> {
  let query = db.selectFrom('sync_runs').selectAll().orderBy('started_at', 'desc').orderBy('id', 'desc').limit(options.limit);
  if (options.flow) query = query.where('flow', '=', options.flow);
  if (options.status === 'waiting') query = query.where('status', '=', 'running').where('deletion_status', '=', 'awaiting-approval');
  else if (options.status === 'running') query = query.where('status', '=', 'running').where((eb) => eb.or([eb('deletion_status', 'is', null), eb('deletion_status', '!=', 'awaiting-approval')]));
  else if (options.status) query = query.where('status', '=', options.status);
  if (options.trigger) query = query.where('trigger', '=', options.trigger);
  if (options.startedBefore) query = query.where('started_at', '<', options.startedBefore);
  return query.execute();
}

/** Each flow's latest run. */
export async function latestRunPerFlow(db: Kysely<Database>, flows: readonly string[]): Promise<RunRow[]> {
  if (flows.length === 0) return [];
  const found = await Promise.all(
    flows.map((flow) => db.selectFrom('sync_runs').selectAll().where('flow', '=', flow).orderBy('started_at', 'desc').limit(1).executeTakeFirst()),
  );
  return found.filter((r): r is RunRow => r !== undefined);
}

/** A decision on a run's deletions, as claimed in its row. */
export interface DeletionDecisionClaim {
  decision: 'approve' | 'reject';
  by: string;
  at: Date;
}

/**
 * Claims the decision on a run waiting for approval of its deletions: only while it waits and
 * no one has decided yet (one statement, so of two concurrent decisions exactly one claims).
 * Returns the claim, or undefined when the run was not there to claim.
 */
export async function claimDeletionDecision(
  db: Kysely<Database>,
  runId: string,
  decision: 'approve' | 'reject',
  by: string,
): Promise<(DeletionDecisionClaim & { missingCandidates: number }) | undefined> {
  const row = await db
    .updateTable('sync_runs')
    .set({ deletion_decision: decision, deletion_decided_by: by, deletion_decided_at: sql<Date>`now()` })
    .where('id', '=', runId)
    .where('status', '=', 'running')
    .where('deletion_status', '=', 'awaiting-approval')
    .where('deletion_decided_by', 'is', null)
    .returning(['deletion_decided_at', 'missing_candidates'])
    .executeTakeFirst();
  return row ? { decision, by, at: row.deletion_decided_at!, missingCandidates: row.missing_candidates } : undefined;
}

/** Gives back a claim whose signal could not be sent, so that the decision can be made again. */
export async function releaseDeletionDecision(db: Kysely<Database>, runId: string, claim: DeletionDecisionClaim): Promise<void> {
  await db
    .updateTable('sync_runs')
    .set({ deletion_decision: null, deletion_decided_by: null, deletion_decided_at: null })
    .where('id', '=', runId)
    .where('deletion_decided_by', '=', claim.by)
    .where('deletion_decided_at', '=', claim.at)
    .execute();
}

/** Whether there is a run with this id. */
export async function runExists(db: Kysely<Database>, runId: string): Promise<boolean> {
  return (await db.selectFrom('sync_runs').select('id').where('id', '=', runId).executeTakeFirst()) !== undefined;
}

/** Where a run stands with its deletions. */
export async function runDeletionState(
  db: Kysely<Database>,
  runId: string,
): Promise<
  Pick<RunRow, 'status' | 'deletion_status' | 'missing_candidates' | 'deletion_decision' | 'deletion_decided_by' | 'deletion_decided_at'> | undefined
> {
  return db
    .selectFrom('sync_runs')
    .select(['status', 'deletion_status', 'missing_candidates', 'deletion_decision', 'deletion_decided_by', 'deletion_decided_at'])
    .where('id', '=', runId)
    .executeTakeFirst();
}

/** Runs waiting for an operator to approve or reject their deletions, oldest first; a decided one waits only until its workflow acts on the decision. */
export async function runsAwaitingDeletionApproval(
  db: Kysely<Database>,
): Promise<
  Pick<
    RunRow,
    'id' | 'flow' | 'started_at' | 'missing_candidates' | 'source_customers' | 'deletion_status_at' | 'deletion_decision' | 'deletion_decided_by' | 'deletion_decided_at'
  >[]
> {
  return db
    .selectFrom('sync_runs')
    .select(['id', 'flow', 'started_at', 'missing_candidates', 'source_customers', 'deletion_status_at', 'deletion_decision', 'deletion_decided_by', 'deletion_decided_at'])
    .where('deletion_status', '=', 'awaiting-approval')
    .where('status', '=', 'running')
    .orderBy('started_at')
    .execute();
}

/** A run waiting for approval of its deletions, as a notification tells of it; undefined when it is not waiting. */
export async function runAwaitingApproval(
  db: Kysely<Database>,
  runId: string,
): Promise<Pick<RunRow, 'id' | 'flow' | 'missing_candidates' | 'source_customers' | 'deletion_status_at'> | undefined> {
  return db
    .selectFrom('sync_runs')
    .select(['id', 'flow', 'missing_candidates', 'source_customers', 'deletion_status_at'])
    .where('id', '=', runId)
    .where('status', '=', 'running')
    .where('deletion_status', '=', 'awaiting-approval')
    .executeTakeFirst();
}

/** The latest `limit` finished runs of a flow with a trigger, newest first: their ids and outcomes. */
export async function latestFinishedRuns(
  db: Kysely<Database>,
  options: { flow: string; trigger: string; limit: number },
): Promise<Pick<RunRow, 'id' | 'status'>[]> {
  return db
    .selectFrom('sync_runs')
    .select(['id', 'status'])
    .where('flow', '=', options.flow)
    .where('trigger', '=', options.trigger)
    .where('status', '!=', 'running')
    .where('dry_run', '=', false)
    .orderBy('started_at', 'desc')
    .limit(options.limit)
    .execute();
}
