import { z } from 'zod';
import { DUPLICATE_KEY_KINDS } from '../../domain/duplicate-settings.js';
import { storableText } from '../../domain/customer-record-schema.js';
import { queryInteger } from './query-integer.js';
import { ROW_ID } from '../../domain/row-id.js';

/** A candidate's id: a positive whole number, as text. */
export const candidateIdSchema = z.string().regex(ROW_ID, 'a duplicate candidate id (a positive whole number)');

const status = z.enum(['open', 'kept-apart', 'merged']);
const strength = z.enum(['strong', 'weak']);

const candidateCustomerSchema = z.object({
  id: z.guid(),
  type: z.enum(['PERSON', 'COMPANY']),
  name: z.string(),
  source: z.string().describe('connector:external-id of the connector that created it'),
});

export const duplicateCandidateSchema = z
  .object({
    id: candidateIdSchema,
    strength,
    status,
    reasons: z.array(z.object({ kind: z.enum(DUPLICATE_KEY_KINDS), value: z.string() })).describe('the keys both customers have (a name block: zip or city, and the first letters of the name)'),
    nameSimilarity: z.number().min(0).max(1),
    foundRunId: z.string().optional().describe('the run that found the pair; absent when a scan found it'),
    foundAt: z.iso.datetime(),
    decidedBy: z.string().optional(),
    decidedAt: z.iso.datetime().optional(),
    customers: z.tuple([candidateCustomerSchema, candidateCustomerSchema]),
  })
  .meta({ id: 'DuplicateCandidate' });

const sourcedValueSchema = z.object({ value: z.unknown(), connector: z.string() });

export const duplicateComparisonSchema = duplicateCandidateSchema
  .extend({
    fields: z.array(
      z.object({
        field: z.string().describe('name.<part>, relations, or the aspect of an item'),
        key: z.string().optional().describe("the item's identity within its aspect"),
        left: sourcedValueSchema.optional().describe("the first customer's value"),
        right: sourcedValueSchema.optional().describe("the second customer's value"),
        same: z.boolean(),
      }),
    ),
    mergeId: candidateIdSchema.optional().describe('the merge in effect that merged the pair: POST /api/v1/merges/{id}/undo undoes it'),
  })
  .meta({ id: 'DuplicateComparison' });

export const duplicateListQuerySchema = z.strictObject({
  status: status.default('open'),
  strength: strength.optional(),
  customer: z.guid().optional().describe('pairs with this customer'),
  limit: queryInteger(1, 500, 50),
  cursor: storableText(100).optional().describe('nextCursor of the page before, as it came (anything else: 400)'),
});

export const duplicatePageSchema = z.object({ items: z.array(duplicateCandidateSchema), nextCursor: z.string().optional() }).meta({ id: 'DuplicatePage' });

export const mergeBodySchema = z
  .strictObject({ survivor: z.guid().optional().describe('which of the pair survives; default the customer created first') })
  .optional();

export const mergeOutcomeSchema = z
  .object({
    mergeId: candidateIdSchema.describe('the merge, to undo it: POST /api/v1/merges/{id}/undo'),
    survivorId: z.guid(),
    mergedId: z.guid().describe('the customer merged away: reading it answers with the survivor'),
    exact: z.boolean().optional().describe('undoing: whether both came back exactly as before the merge (nothing changed the survivor since)'),
    queuedFor: z.array(z.string()).describe('push targets the changed customers were queued for'),
  })
  .meta({ id: 'MergeOutcome' });
