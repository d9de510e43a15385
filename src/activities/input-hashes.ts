import { sql, type RawBuilder } from 'kysely';
import type { FlowStepPlan } from '../domain/run-types.js';
import { stepsSignature } from './steps-signature.js';

export interface InputHashRow {
  customer_id: string;
  input_hash: string;
  stored_input_hash: string | null;
}

/**
 * Per staged customer: the hash of what this run's steps say about it, next to the
 * hash its stored state was last merged from. Equal hashes mean an unchanged customer:
 * merging is idempotent, so it need not be loaded or merged again.
 */
export function inputHashesQuery(
  runId: string,
  steps: readonly FlowStepPlan[],
  customers: RawBuilder<unknown> = sql`s.customer_id is not null`,
): RawBuilder<InputHashRow> {
  return sql<InputHashRow>`
    select s.customer_id, c.input_hash as stored_input_hash,
      md5(${stepsSignature(steps)} || string_agg(s.step_index || ':' || s.record_hash, ',' order by s.step_index, s.seq)) as input_hash
    from staging_records s left join customers c on c.id = s.customer_id
    where s.run_id = ${runId} and ${customers}
    group by s.customer_id, c.input_hash`;
}
