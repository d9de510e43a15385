import { z } from 'zod';
import { VALUE_TRANSFORM_NAMES } from './value-transforms.js';

const scalar = z.union([z.string(), z.number(), z.boolean()]);
const path = z.string().describe('a JSON pointer (/properties/email) or a dotted path (properties.email) in the source record');

/** A value read at a path, then transformed, then (with `values`) looked up in a table. */
const pathSource = z.strictObject({
  path,
  /** Steps applied in order: trim, lower, upper, string, digits. */
  transform: z.array(z.enum(VALUE_TRANSFORM_NAMES)).optional(),
  /** The source's value (as text) → what the record holds; a value not in the table is absent. */
  values: z.record(z.string(), scalar).optional(),
});

/**
 * Where one field of a customer record comes from: a path (the value as it is there), a path
 * with transforms or a table of values, a constant, or several of those joined (absent and
 * empty ones left out). A value that resolves to null, undefined or `''` leaves the field out.
 */
export const valueSourceSchema = z.union([
  path,
  pathSource,
  z.strictObject({ const: scalar }),
  z.strictObject({ join: z.array(z.union([path, pathSource])).min(1), separator: z.string().default(' ') }),
]);
export type ValueSource = z.output<typeof valueSourceSchema>;

const field = valueSourceSchema.optional();
/** Items read from an array of the record (`from`: each element is one item, its paths relative to the element), else one item from the record itself. */
const from = path.optional();

const addressMapping = z.strictObject({
  from,
  code: field,
  /** billing, shipping or other; a constant or a table of the source's values. */
  type: valueSourceSchema,
  name: field,
  line1: field,
  line2: field,
  city: field,
  state: field,
  zip: field,
  country: field,
});

const contactPersonMapping = z.strictObject({ from, id: field, firstName: field, lastName: field, fullName: field, email: field, phone: field });

const contactDetailMapping = z.strictObject({ from, kind: z.string().min(1), value: valueSourceSchema });

/**
 * How a record of a source's stream becomes a customer record: its external id, its type,
 * and the aspects the source supplies. An aspect the mapping names is supplied (an empty list
 * when the record has none of it: stored items of this connector go); one it does not name is
 * left as the other connectors say.
 */
export const recordMappingSchema = z.strictObject({
  /**
   * Only records with a value at this path are mapped; the others are skipped, neither staged
   * nor rejected (a HubSpot contact with no company, read for companies' contact persons). Default: every record.
   */
  skipUnless: path.optional(),
  externalId: valueSourceSchema,
  /** When the source last changed the record (an ISO time or epoch milliseconds): what `mostRecent` rules compare. */
  changedAt: valueSourceSchema.optional(),
  /** PERSON or COMPANY for every record, or read from the record (with a table of its values). */
  type: z.union([z.enum(['PERSON', 'COMPANY']), valueSourceSchema]).optional(),
  name: z.strictObject({ firstName: field, lastName: field, displayName: field, companyName: field }).optional(),
  addresses: z.array(addressMapping).optional(),
  contactPersons: z.array(contactPersonMapping).optional(),
  /** The customer's own contact details (kind: email, phone, mobile, website, …). */
  contactDetails: z.array(contactDetailMapping).optional(),
  /** The customer's attributes: attribute key → where its value comes from. */
  attributes: z.record(z.string().min(1), valueSourceSchema).optional(),
  relations: z.strictObject({ parentExternalId: valueSourceSchema }).optional(),
});
export type RecordMapping = z.output<typeof recordMappingSchema>;
