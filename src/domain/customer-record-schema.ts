import { z } from 'zod';
import type { CustomerRecord } from './customer-record.js';
import { STORABLE_TEXT_PATTERN } from './storable-values.js';
import { ATTRIBUTE_LIST_MAX_ITEMS, ATTRIBUTE_VALUE_MAX_BYTES, TEXT_LIMITS } from './text-limits.js';

/**
 * Text the database can store (documented as a `pattern`; refused, naming where, before any
 * validation: see storable-values.ts), bounded by a length limit. Derived schemas keep the pattern.
 */
export const storableText = (maxLength: number) => z.string().max(maxLength).meta({ pattern: STORABLE_TEXT_PATTERN });
/** Text of at most the limit of its kind (see {@link TEXT_LIMITS}). */
const text = (kind: keyof typeof TEXT_LIMITS) => storableText(TEXT_LIMITS[kind]);
const required = (kind: keyof typeof TEXT_LIMITS) => text(kind).min(1);
const attributeValue = z
  .union([text('attributeText'), z.number(), z.boolean(), z.array(text('attributeText')).max(ATTRIBUTE_LIST_MAX_ITEMS)])
  .refine((value) => new TextEncoder().encode(JSON.stringify(value)).length <= ATTRIBUTE_VALUE_MAX_BYTES, {
    message: `an attribute value may take at most ${ATTRIBUTE_VALUE_MAX_BYTES} bytes as JSON`,
  })
  .describe(`text, a number, a boolean or a list of texts; at most ${ATTRIBUTE_VALUE_MAX_BYTES} bytes as JSON (UTF-8)`);
const attribute = { key: required('identifier'), value: attributeValue };
const contactDetail = { kind: required('short'), value: required('contactValue') };

/** Validates a customer record supplied as JSON (JSON-lines files, APIs). */
export const customerRecordSchema = z.strictObject({
  externalId: required('identifier'),
  type: z.enum(['PERSON', 'COMPANY']).optional(),
  customerId: z.guid().optional(),
  changedAt: z.iso.datetime({ offset: true }).optional().describe('when the source last changed the customer (ISO 8601): what survivorship rules of mostRecent compare'),
  name: z
    .strictObject({
      firstName: text('short').optional(),
      lastName: text('short').optional(),
      displayName: text('long').optional(),
      companyName: text('long').optional(),
    })
    .optional(),
  contactPersons: z
    .array(
      z.strictObject({
        id: text('identifier').optional(),
        firstName: text('short').optional(),
        lastName: text('short').optional(),
        fullName: text('long').optional(),
        email: text('email').optional(),
        phone: text('email').optional(),
      }),
    )
    .optional(),
  addresses: z
    .array(
      z.strictObject({
        code: text('identifier').optional(),
        type: z.enum(['billing', 'shipping', 'other']),
        name: text('long').optional(),
        line1: text('long').optional(),
        line2: text('long').optional(),
        city: text('short').optional(),
        state: text('short').optional(),
        zip: text('zip').optional(),
        country: text('short').optional(),
      }),
    )
    .optional(),
  customerAttributes: z.array(z.strictObject(attribute)).optional(),
  addressAttributes: z.array(z.strictObject({ addressKey: required('itemReference'), ...attribute })).optional(),
  contactPersonAttributes: z.array(z.strictObject({ contactKey: required('itemReference'), ...attribute })).optional(),
  customerContactDetails: z.array(z.strictObject(contactDetail)).optional(),
  addressContactDetails: z.array(z.strictObject({ addressKey: required('itemReference'), ...contactDetail })).optional(),
  contactPersonContactDetails: z
    .array(z.strictObject({ contactKey: required('itemReference'), ...contactDetail }))
    .optional(),
  attachments: z
    .array(
      z.strictObject({
        name: text('long').optional(),
        contentType: text('short').optional(),
        url: text('url').optional(),
        checksum: text('long').optional(),
      }),
    )
    .optional(),
  relations: z
    .strictObject({
      parentExternalId: text('identifier').optional(),
      relationType: z.enum(['Parent', 'SubDepartment']).optional(),
      subDepartmentExternalIds: z.array(required('identifier')).max(10_000).optional(),
    })
    .optional(),
}) satisfies z.ZodType<CustomerRecord>;
