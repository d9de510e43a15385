import type { z } from 'zod';
import { customerRecordSchema } from '../../domain/customer-record-schema.js';
import type { CustomerRecord, RejectedRecord } from '../../domain/customer-record.js';

/** An API item as a customer record, or why it cannot be one. */
export type ItemMapping =
  | { ok: true; record: CustomerRecord; /** What the mapping could not place, for the run report. */ warnings?: string[] }
  | { ok: false; problem: Pick<RejectedRecord, 'externalId' | 'field' | 'reason'> };

/** The first issue of a failed parse as a rejected record's field and reason. */
export function parseProblem(error: z.ZodError, externalId: unknown): Extract<ItemMapping, { ok: false }> {
  const issue = error.issues[0];
  const field = issue?.path.join('.');
  return {
    ok: false,
    problem: {
      ...(typeof externalId === 'string' ? { externalId } : {}),
      ...(field ? { field } : {}),
      reason: issue ? `${field || 'item'}: ${issue.message}` : 'not a customer record',
    },
  };
}

/** Validates a mapped item with the customer record schema. */
export function recordOrProblem(mapped: unknown): ItemMapping {
  const parsed = customerRecordSchema.safeParse(mapped);
  if (parsed.success) return { ok: true, record: parsed.data };
  return parseProblem(parsed.error, (mapped as { externalId?: unknown } | null)?.externalId);
}
