import { z } from 'zod';
import type { CustomerRecord } from './customer-record.js';

const text = z.string();
const attributeValue = z.union([z.string(), z.number(), z.boolean(), z.array(z.string())]);
const attribute = { key: z.string().min(1), value: attributeValue };
const contactDetail = { kind: z.string().min(1), value: z.string().min(1) };

/** Validates a customer record supplied as JSON (JSON-lines files, APIs). */
export const customerRecordSchema = z.strictObject({
  externalId: z.string().min(1),
  type: z.enum(['PERSON', 'COMPANY']).optional(),
  customerId: z.guid().optional(),
  name: z
    .strictObject({
      firstName: text.optional(),
      lastName: text.optional(),
      displayName: text.optional(),
      companyName: text.optional(),
    })
    .optional(),
  contactPersons: z
    .array(
      z.strictObject({
        id: text.optional(),
        firstName: text.optional(),
        lastName: text.optional(),
        fullName: text.optional(),
        email: text.optional(),
        phone: text.optional(),
      }),
    )
    .optional(),
  addresses: z
    .array(
      z.strictObject({
        code: text.optional(),
        type: z.enum(['billing', 'shipping', 'other']),
        name: text.optional(),
        line1: text.optional(),
        line2: text.optional(),
        city: text.optional(),
        state: text.optional(),
        zip: text.optional(),
        country: text.optional(),
      }),
    )
    .optional(),
  customerAttributes: z.array(z.strictObject(attribute)).optional(),
  addressAttributes: z.array(z.strictObject({ addressKey: z.string().min(1), ...attribute })).optional(),
  contactPersonAttributes: z.array(z.strictObject({ contactKey: z.string().min(1), ...attribute })).optional(),
  customerContactDetails: z.array(z.strictObject(contactDetail)).optional(),
  addressContactDetails: z.array(z.strictObject({ addressKey: z.string().min(1), ...contactDetail })).optional(),
  contactPersonContactDetails: z
    .array(z.strictObject({ contactKey: z.string().min(1), ...contactDetail }))
    .optional(),
  attachments: z
    .array(
      z.strictObject({
        name: text.optional(),
        contentType: text.optional(),
        url: text.optional(),
        checksum: text.optional(),
      }),
    )
    .optional(),
  relations: z
    .strictObject({
      parentExternalId: text.optional(),
      relationType: z.enum(['Parent', 'SubDepartment']).optional(),
      subDepartmentExternalIds: z.array(z.string().min(1)).optional(),
    })
    .optional(),
}) satisfies z.ZodType<CustomerRecord>;
