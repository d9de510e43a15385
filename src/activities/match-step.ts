import { sql } from 'kysely';
import type { ActivityDeps } from './activity-deps.js';
import { SEQ_STRIDE } from './staging-positions.js';

export interface MatchStepInput {
  runId: string;
  stepIndex: number;
  connector: string;
  role: 'source' | 'enrichment';
  /** Enrichment only. */
  matchBy?: string;
  /** The flow's source connector, when the source is a connector (its staged records are step 0). */
  sourceConnector?: string;
}

export interface MatchStepResult {
  matched: number;
  unmatched: number;
  /** Source records refused because they would change a customer's source id. */
  rejected?: number;
}

/**
 * Assigns every staged record of a step to a customer.
 * Source step: known external ids get their customer, others a new customer id.
 * Enrichment step: records are matched by the configured key and never create customers.
 * Only unassigned rows are touched, so running it again changes nothing.
 */
export function matchStepActivity({ db }: ActivityDeps) {
  return async function matchStep(input: MatchStepInput): Promise<MatchStepResult> {
    const { runId, stepIndex } = input;
    const pending = sql`s.run_id = ${runId} and s.step_index = ${stepIndex} and s.customer_id is null`;
    // Staging grows by a whole file at a time: fresh statistics keep the matching and merge plans
    // on indexes instead of scanning (without them the merge degrades quadratically).
    await sql`analyze staging_records`.execute(db);
    if (input.role === 'source') {
      const refused = await refuseSourceIdChanges(db, input);
      await sql`update staging_records s set customer_id = e.customer_id from external_ids e
        where ${pending} and e.connector = ${input.connector} and e.external_id = s.external_id`.execute(db);
      // New customers get an id derived from the run and their external id: a retried run
      // (or a reset workflow) assigns the very same ids, so its stored merge plan still fits.
      await sql`update staging_records s set customer_id = n.id
        from (select external_id, md5(${runId} || '/' || external_id)::uuid as id from staging_records
              where run_id = ${runId} and step_index = ${stepIndex} and customer_id is null group by external_id) n
        where ${pending} and s.external_id = n.external_id`.execute(db);
      const knownRows = await sql<{ n: number }>`select count(distinct s.external_id)::int as n
        from staging_records s join external_ids e on e.connector = ${input.connector} and e.external_id = s.external_id
        where s.run_id = ${runId} and s.step_index = ${stepIndex}`.execute(db);
      const known = knownRows.rows[0]!.n;
      await sql`analyze staging_records`.execute(db);
      await setStepCounts(db, runId, stepIndex, known, 0);
      return { matched: known, unmatched: 0, ...(refused > 0 ? { rejected: refused } : {}) };
    }

    const matchBy = input.matchBy ?? 'sourceId';
    if (matchBy === 'sourceId') {
      if (input.sourceConnector) {
        await sql`update staging_records s set customer_id = src.customer_id
          from (select distinct on (external_id) external_id, customer_id from staging_records
                where run_id = ${runId} and step_index = 0) src
          where ${pending} and src.external_id = s.match_key`.execute(db);
      }
      await sql`update staging_records s set customer_id = c.id
        from (select source_id, min(id::text)::uuid as id from customers where deleted_at is null
              ${input.sourceConnector ? sql`and source_connector = ${input.sourceConnector}` : sql``}
              group by source_id having count(*) = 1) c
        where ${pending} and c.source_id = s.match_key`.execute(db);
    } else if (matchBy === 'externalId') {
      await sql`update staging_records s set customer_id = e.customer_id from external_ids e
        where ${pending} and e.connector = ${input.connector} and e.external_id = s.match_key`.execute(db);
    } else {
      const unique =
        matchBy === 'email'
          ? sql`select value as key, min(customer_id::text)::uuid as customer_id from customer_contact_details
                where kind = 'email' group by value having count(distinct customer_id) = 1`
          : sql`select value #>> '{}' as key, min(customer_id::text)::uuid as customer_id from customer_attributes
                where key = ${matchBy === 'vatNumber' ? 'vatNumber' : matchBy.slice('attribute:'.length)}
                group by value #>> '{}' having count(distinct customer_id) = 1`;
      await sql`update staging_records s set customer_id = m.customer_id from (${unique}) m
        where ${pending} and m.key = s.match_key`.execute(db);
    }
    await sql`analyze staging_records`.execute(db);
    const matched = await countAssigned(db, runId, stepIndex);
    const unmatchedRows = await sql<{ n: number }>`select count(distinct external_id)::int as n from staging_records
      where run_id = ${runId} and step_index = ${stepIndex} and customer_id is null`.execute(db);
    const unmatched = unmatchedRows.rows[0]!.n;
    await setStepCounts(db, runId, stepIndex, matched, unmatched);
    return { matched, unmatched };
  };
}

/**
 * Source ids are immutable: a record that names the platform customer it is about
 * (`customerId`) is refused, with its line and a clear reason, when that customer's source
 * is another id (or connector), or there is no such customer. The customer is left as it is.
 */
async function refuseSourceIdChanges(db: ActivityDeps['db'], input: MatchStepInput): Promise<number> {
  const refused = await sql<{ n: number }>`with claims as (
      select s.external_id, s.seq, s.record->>'customerId' as claimed, c.source_connector, c.source_id
      from staging_records s left join customers c on c.id::text = s.record->>'customerId'
      where s.run_id = ${input.runId} and s.step_index = ${input.stepIndex} and s.customer_id is null
        and s.record ? 'customerId'
        and (c.id is null or c.source_connector is distinct from ${input.connector} or c.source_id is distinct from s.external_id)
    ), rejected as (
      insert into rejected_records (run_id, step_index, source, line, external_id, field, reason)
      select ${input.runId}, ${input.stepIndex}, coalesce(i.name, ${input.connector}), (k.seq % ${SEQ_STRIDE})::int, k.external_id, 'source_id',
        case when k.source_id is null then 'id: there is no customer ' || k.claimed
          else 'source_id is immutable: customer ' || k.claimed || ' has source id ' || k.source_connector || ':' || k.source_id
            || '; this record would change it to ' || ${input.connector} || ':' || k.external_id || '. The customer was left unchanged' end
      from claims k left join sync_run_inputs i
        on i.run_id = ${input.runId} and i.step_index = ${input.stepIndex} and i.position = k.seq / ${SEQ_STRIDE}
      returning 1
    ), removed as (
      delete from staging_records s using claims k
      where s.run_id = ${input.runId} and s.step_index = ${input.stepIndex} and s.external_id = k.external_id
      returning 1
    )
    select (select count(*) from rejected)::int as n`.execute(db);
  const n = refused.rows[0]!.n;
  if (n > 0) {
    await db
      .updateTable('sync_run_steps')
      .set((eb) => ({ rejected: eb('rejected', '+', n) }))
      .where('run_id', '=', input.runId)
      .where('step_index', '=', input.stepIndex)
      .execute();
  }
  return n;
}

async function countAssigned(db: ActivityDeps['db'], runId: string, stepIndex: number): Promise<number> {
  const result = await sql<{ n: number }>`select count(distinct external_id)::int as n from staging_records
    where run_id = ${runId} and step_index = ${stepIndex} and customer_id is not null`.execute(db);
  return result.rows[0]!.n;
}

async function setStepCounts(db: ActivityDeps['db'], runId: string, stepIndex: number, matched: number, unmatched: number) {
  await db
    .updateTable('sync_run_steps')
    .set({ matched, unmatched })
    .where('run_id', '=', runId)
    .where('step_index', '=', stepIndex)
    .execute();
}
