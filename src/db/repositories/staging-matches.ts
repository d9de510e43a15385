import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { MatchLookup } from '../../domain/match-by.js';
import type { Database } from '../database.js';
import { SEQ_STRIDE } from '../staging-positions.js';
import { addStepRejects } from './sync-runs.js';
import { unchangedCustomerCount } from './unchanged-pages.js';

/** One step of a run whose staged records are being matched to customers. */
export interface StagedStep {
  runId: string;
  stepIndex: number;
  connector: string;
}

const pendingOf = (step: StagedStep) => sql`s.run_id = ${step.runId} and s.step_index = ${step.stepIndex} and s.customer_id is null`;

/** Rows a run stages below which it plans well on the statistics there are (a new run id is estimated as few rows). */
const FEW_STAGED_ROWS = 10_000;

/**
 * Staging grows by a whole file at a time: fresh statistics keep the matching and merge plans
 * on indexes instead of scanning (without them the merge degrades quadratically). A run that
 * staged few rows (a delta) does not need them, and sampling a large staging table costs a second.
 */
export async function analyzeStaging(db: Kysely<Database>, runId: string): Promise<void> {
  // Counted in staging_records itself: customers recognized as unchanged are staged apart (unchanged_pages) and change no plan.
  const { rows } = await sql<{ staged: number }>`select count(*)::int as staged from (
      select 1 from staging_records where run_id = ${runId} limit ${FEW_STAGED_ROWS}) s`.execute(db);
  // The columns plans filter and join on: sampling the records themselves (jsonb, sorted for a histogram) took most of the time.
  if (rows[0]!.staged >= FEW_STAGED_ROWS) await sql`analyze staging_records (run_id, step_index, external_id, seq, match_key, customer_id)`.execute(db);
}

/**
 * Source ids are immutable: a record that names the platform customer it is about
 * (`customerId`) is refused, with its line and a clear reason, when that customer's source
 * is another id (or connector), or there is no such customer. The customer is left as it is.
 * Returns how many records were refused.
 */
export async function refuseSourceIdChanges(db: Kysely<Database>, step: StagedStep): Promise<number> {
  const { runId, stepIndex, connector } = step;
  const refused = await sql<{ n: number }>`with claims as (
      select s.external_id, s.seq, s.record->>'customerId' as claimed, c.source_connector, c.source_id
      from staging_records s left join customers c on c.id::text = s.record->>'customerId'
      where s.run_id = ${runId} and s.step_index = ${stepIndex} and s.customer_id is null
        and s.record ? 'customerId'
        and (c.id is null or c.source_connector is distinct from ${connector} or c.source_id is distinct from s.external_id)
    ), rejected as (
      insert into rejected_records (run_id, step_index, source, line, external_id, field, reason)
      select ${runId}, ${stepIndex}, coalesce(i.name, ${connector}), (k.seq % ${SEQ_STRIDE})::int, k.external_id, 'source_id',
        case when k.source_id is null then 'id: there is no customer ' || k.claimed
          else 'source_id is immutable: customer ' || k.claimed || ' has source id ' || k.source_connector || ':' || k.source_id
            || '; this record would change it to ' || ${connector} || ':' || k.external_id || '. The customer was left unchanged' end
      from claims k left join sync_run_inputs i
        on i.run_id = ${runId} and i.step_index = ${stepIndex} and i.position = k.seq / ${SEQ_STRIDE}
      returning 1
    ), removed as (
      delete from staging_records s using claims k
      where s.run_id = ${runId} and s.step_index = ${stepIndex} and s.external_id = k.external_id
      returning 1
    )
    select (select count(*) from rejected)::int as n`.execute(db);
  const n = refused.rows[0]!.n;
  if (n > 0) await addStepRejects(db, runId, stepIndex, n);
  return n;
}

/**
 * The source step's records get their customer: a known external id its customer, any other a
 * new id derived from the run and the external id — a retried run (or a reset workflow)
 * assigns the very same ids, so its stored merge plan still fits. Returns how many external
 * ids were known.
 */
export async function assignSourceCustomers(db: Kysely<Database>, step: StagedStep): Promise<number> {
  const { runId, stepIndex, connector } = step;
  const pending = pendingOf(step);
  await sql`update staging_records s set customer_id = e.customer_id from external_ids e
    where ${pending} and e.connector = ${connector} and e.external_id = s.external_id`.execute(db);
  await sql`update staging_records s set customer_id = n.id
    from (select external_id, md5(${runId} || '/' || external_id)::uuid as id from staging_records
          where run_id = ${runId} and step_index = ${stepIndex} and customer_id is null group by external_id) n
    where ${pending} and s.external_id = n.external_id`.execute(db);
  const known = await sql<{ n: number }>`select count(distinct s.external_id)::int as n
    from staging_records s join external_ids e on e.connector = ${connector} and e.external_id = s.external_id
    where s.run_id = ${runId} and s.step_index = ${stepIndex}`.execute(db);
  // An unchanged customer was recognized through its external id: it is known.
  return known.rows[0]!.n + (await unchangedCustomerCount(db, runId, stepIndex));
}

/** Customers by a match key, where that key names exactly one customer. */
function uniqueKeys(lookup: Extract<MatchLookup, { type: 'contact-detail' | 'attribute' }>): RawBuilder<unknown> {
  return lookup.type === 'contact-detail'
    ? sql`select value as key, min(customer_id::text)::uuid as customer_id from customer_contact_details
          where kind = ${lookup.kind} group by value having count(distinct customer_id) = 1`
    : sql`select value #>> '{}' as key, min(customer_id::text)::uuid as customer_id from customer_attributes
          where key = ${lookup.key} group by value #>> '{}' having count(distinct customer_id) = 1`;
}

/**
 * An enrichment step's records get the customer their match key finds, looked up as the
 * step's matcher says; records matching none (or several) stay unassigned. Enrichment never
 * creates customers. With a connector source, a source id is first looked up among this
 * run's own source records (customers it is creating).
 */
export async function assignEnrichmentCustomers(
  db: Kysely<Database>,
  step: StagedStep & { lookup: MatchLookup; sourceConnector?: string },
): Promise<void> {
  const { runId, lookup, sourceConnector } = step;
  const pending = pendingOf(step);
  if (lookup.type === 'source-id') {
    if (sourceConnector) {
      await sql`update staging_records s set customer_id = src.customer_id
        from (select distinct on (external_id) external_id, customer_id from staging_records
              where run_id = ${runId} and step_index = 0) src
        where ${pending} and src.external_id = s.match_key`.execute(db);
    }
    await sql`update staging_records s set customer_id = c.id
      from (select source_id, min(id::text)::uuid as id from customers where deleted_at is null
            ${sourceConnector ? sql`and source_connector = ${sourceConnector}` : sql``}
            group by source_id having count(*) = 1) c
      where ${pending} and c.source_id = s.match_key`.execute(db);
  } else if (lookup.type === 'external-id') {
    await sql`update staging_records s set customer_id = e.customer_id from external_ids e
      where ${pending} and e.connector = ${step.connector} and e.external_id = s.match_key`.execute(db);
  } else {
    await sql`update staging_records s set customer_id = m.customer_id from (${uniqueKeys(lookup)}) m
      where ${pending} and m.key = s.match_key`.execute(db);
  }
}

/** Distinct external ids of a step with a customer, and without one. */
export async function stepMatchCounts(db: Kysely<Database>, runId: string, stepIndex: number): Promise<{ matched: number; unmatched: number }> {
  const result = await sql<{ matched: number; unmatched: number }>`select
      count(distinct external_id) filter (where customer_id is not null)::int as matched,
      count(distinct external_id) filter (where customer_id is null)::int as unmatched
    from staging_records where run_id = ${runId} and step_index = ${stepIndex}`.execute(db);
  return result.rows[0]!;
}
