import { z } from 'zod';
import { customerRecordSchema, storableText } from '../../domain/customer-record-schema.js';
import { MULTIPLE_ASPECTS } from '../../domain/customer-record.js';
import { TEXT_LIMITS } from '../../domain/text-limits.js';
import { queryInteger } from './query-integer.js';

const identifier = storableText(TEXT_LIMITS.identifier).min(1);

const aspectShape = customerRecordSchema.shape;

/** The values of a customer's aspects, as connectors supply them. */
const aspectValues = {
  name: aspectShape.name,
  relations: aspectShape.relations,
  contactPersons: aspectShape.contactPersons.unwrap(),
  addresses: aspectShape.addresses.unwrap(),
  customerAttributes: aspectShape.customerAttributes.unwrap(),
  addressAttributes: aspectShape.addressAttributes.unwrap(),
  contactPersonAttributes: aspectShape.contactPersonAttributes.unwrap(),
  customerContactDetails: aspectShape.customerContactDetails.unwrap(),
  addressContactDetails: aspectShape.addressContactDetails.unwrap(),
  contactPersonContactDetails: aspectShape.contactPersonContactDetails.unwrap(),
  attachments: aspectShape.attachments.unwrap(),
};

const provenanceSchema = z.object({
  connector: z.string(),
  runId: z.string(),
  chosenBy: z.string().optional().describe("the flow's survivorship rule that chose the value (docs/survivorship.md); absent: the latest step's value"),
  lost: z
    .array(z.object({ connector: z.string(), value: z.unknown(), runId: z.string() }))
    .optional()
    .describe('what other connectors supply that the rule did not choose'),
});
const itemProvenanceSchema = provenanceSchema.extend({ key: z.string(), suppliedBy: z.array(z.string()) });

/** Where each value came from: per aspect, in the order of its values. */
export const customerProvenanceSchema = z
  .object({
    name: provenanceSchema.optional(),
    relations: provenanceSchema.optional(),
    items: z.object(Object.fromEntries(MULTIPLE_ASPECTS.map((a) => [a, z.array(itemProvenanceSchema)])) as Record<(typeof MULTIPLE_ASPECTS)[number], z.ZodArray<typeof itemProvenanceSchema>>),
  })
  .meta({ id: 'CustomerProvenance' });

/** A customer as the API answers it. */
export const customerSchema = z
  .object({
    id: z.guid(),
    type: z.enum(['PERSON', 'COMPANY']),
    sourceConnector: z.string(),
    sourceId: z.string(),
    state: z.enum(['active', 'missing', 'deleted']),
    parentCustomerId: z.guid().nullable(),
    isParentCompany: z.boolean(),
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
    createdRunId: z.string(),
    updatedRunId: z.string(),
    missingSince: z.iso.datetime().nullable(),
    deletedAt: z.iso.datetime().nullable(),
    deletedReason: z.string().nullable(),
    externalIds: z.array(z.object({ connector: z.string(), externalId: z.string() })).optional(),
    ...aspectValues,
    provenance: customerProvenanceSchema.optional(),
  })
  .meta({ id: 'Customer', description: 'A customer: its values by aspect and (unless provenance=false) the connector and run behind each.' });

/** A customer record as a connector supplies it, for an upsert: `externalId` may be left out (it is the path's source id). */
export const upsertBodySchema = customerRecordSchema
  .extend({ externalId: aspectShape.externalId.optional() })
  .meta({ id: 'CustomerRecordUpsert', description: 'A customer record; only the aspects it has are written.' });

/** A customer to create, with the source id it has in the writing system. */
export const createBodySchema = customerRecordSchema
  .omit({ externalId: true })
  .extend({ sourceId: identifier, type: z.enum(['PERSON', 'COMPANY']) })
  .meta({ id: 'CustomerCreate' });

/** An object aspect's patch: each field optional, null to remove it. */
const nullableFields = (shape: z.ZodRawShape) =>
  z.strictObject(Object.fromEntries(Object.entries(shape).map(([k, v]) => [k, (v as z.ZodOptional<z.ZodType>).unwrap().nullable().optional()])));

/** A JSON merge patch (RFC 7396) of a customer's aspects. */
export const patchBodySchema = z
  .strictObject({
    sourceId: identifier.optional(),
    type: z.enum(['PERSON', 'COMPANY']).optional(),
    name: nullableFields(aspectShape.name.unwrap().shape).nullable().optional(),
    relations: nullableFields(aspectShape.relations.unwrap().shape).nullable().optional(),
    ...Object.fromEntries(MULTIPLE_ASPECTS.map((a) => [a, aspectValues[a].nullable().optional()])),
  })
  .meta({ id: 'CustomerPatch', description: 'Aspects to change: objects merged field by field (null removes a field), lists replaced whole (null: none).' });

/** A page of customers. */
export const customerPageSchema = z.object({
  items: z.array(customerSchema),
  /** Pass as `cursor` for the next page; absent on the last. */
  nextCursor: z.string().optional(),
});

/** An entry of a customer's change log. */
export const activitySchema = z
  .object({
    id: z.string(),
    change: z.enum(['created', 'updated', 'missing', 'restored', 'deleted', 'purged', 'merged', 'unmerged']),
    runId: z.string(),
    actor: z.string().nullable(),
    at: z.iso.datetime(),
    diff: z.array(z.looseObject({ aspect: z.string() })),
  })
  .meta({ id: 'CustomerActivity' });

export const activityPageSchema = z.object({ items: z.array(activitySchema), nextCursor: z.string().optional() });

/** Filters and paging of `GET /customers`. */
export const listQuerySchema = z.strictObject({
  type: z.enum(['PERSON', 'COMPANY']).optional(),
  updatedSince: z.iso.datetime({ offset: true }).optional(),
  state: z
    .enum(['active', 'missing', 'deleted', 'present', 'any'])
    .default('present')
    .describe('present (default): all but deleted customers; active: neither missing nor deleted; missing; deleted; any'),
  attribute: z
    .string()
    .regex(/^[^=]+=.*$/, 'use key=value')
    .optional()
    .describe('a customer attribute and its value: key=value'),
  q: storableText(200).min(1).optional().describe('text in the name, or exactly a code, an email or a VAT number'),
  limit: queryInteger(1, 500, 50),
  cursor: storableText(100).optional().describe('nextCursor of the page before, as it came (anything else: 400)'),
});

/** Set or remove one attribute on many customers. */
export const attributeBulkBodySchema = z
  .strictObject({
    key: identifier,
    /** The value to set; leave out (with `remove: true`) to remove the writer's value. */
    value: aspectShape.customerAttributes.unwrap().element.shape.value.optional(),
    remove: z.literal(true).optional(),
    customers: z
      .array(z.union([z.strictObject({ id: z.guid() }), z.strictObject({ connector: storableText(200).min(1), externalId: identifier })]))
      .min(1)
      .max(1_000),
  })
  .refine((b) => (b.value === undefined) === (b.remove === true), { message: 'give either value (to set) or remove: true, not both', path: ['value'] })
  // The refinement above, as JSON Schema says it: exactly one of value and remove.
  .meta({ id: 'AttributeBulkUpdate', oneOf: [{ required: ['value'] }, { required: ['remove'] }] });

export const attributeBulkResultSchema = z.object({
  items: z.array(
    z.object({
      customer: z.string(),
      status: z.enum(['updated', 'unchanged', 'not-found', 'refused']),
      customerId: z.guid().optional(),
      reason: z.string().optional(),
    }),
  ),
});

/** Many customer records to upsert as one import run. */
export const bulkBodySchema = z.strictObject({ records: z.array(customerRecordSchema).min(1) }).meta({ id: 'BulkUpsert' });

export const bulkAcceptedSchema = z.object({ runId: z.string(), records: z.number().int(), status: z.string() });

export const deletionSchema = z.object({
  customerId: z.guid(),
  status: z.enum(['deleted', 'purged', 'unchanged']),
  writeId: z.string(),
});
