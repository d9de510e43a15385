import { readFile } from 'node:fs/promises';
import { z } from 'zod';

const code = z.string().trim().min(1, 'code must not be empty');
const name = z.string().trim().min(1, 'name must not be empty');

const priceTypeSchema = z.strictObject({
  currency: z
    .string()
    .trim()
    .regex(/^[A-Z]{3}$/, 'currency must be a 3-letter upper-case ISO code such as USD'),
  name: z.string().trim().min(1, 'name must not be empty').max(100, 'name must be at most 100 characters'),
});
const codeAndNameSchema = z.strictObject({ code, name });
const shippingTermSchema = z.strictObject({ code, name: name.optional() });
const salesRepSchema = z.strictObject({ code, name: name.optional(), email: z.email().optional() });

type Issue = { message: string; path: (string | number)[] };

/** Reports every item of `items` whose key was already seen. */
function duplicates<T>(items: readonly T[] | undefined, list: string, keyOf: (item: T) => string | undefined, what: (item: T) => string): Issue[] {
  const issues: Issue[] = [];
  const seen = new Map<string, number>();
  items?.forEach((item, index) => {
    const key = keyOf(item);
    if (key === undefined) return;
    const first = seen.get(key);
    if (first === undefined) seen.set(key, index);
    else issues.push({ path: [list, index], message: `${what(item)} is already defined at ${list}[${first}]` });
  });
  return issues;
}

/** Schema of the reference data a standard-template file is validated against. */
export const referenceDataSchema = z
  .strictObject({
    /** Currency and price label combinations; required, each pair unique. */
    priceTypes: z.array(priceTypeSchema).min(1, 'at least one price type is required'),
    paymentTerms: z.array(codeAndNameSchema).optional(),
    shippingTerms: z.array(shippingTermSchema).optional(),
    /** Sales reps; codes are unique and each email belongs to exactly one code. */
    salesReps: z.array(salesRepSchema).optional(),
    warehouses: z.array(codeAndNameSchema).optional(),
    customerGroups: z.array(codeAndNameSchema).optional(),
    companyNumbers: z.array(codeAndNameSchema).optional(),
  })
  .superRefine((data, ctx) => {
    const issues = [
      ...duplicates(data.priceTypes, 'priceTypes', (p) => `${p.currency}\u0000${p.name}`, (p) => `price type ${p.currency} / ${p.name}`),
      ...duplicates(data.paymentTerms, 'paymentTerms', (t) => t.code, (t) => `payment terms code ${t.code}`),
      ...duplicates(data.shippingTerms, 'shippingTerms', (t) => t.code, (t) => `shipping terms code ${t.code}`),
      ...duplicates(data.salesReps, 'salesReps', (r) => r.code, (r) => `sales rep code ${r.code}`),
      ...duplicates(data.salesReps, 'salesReps', (r) => r.email?.toLowerCase(), (r) => `sales rep email ${r.email}`),
      ...duplicates(data.warehouses, 'warehouses', (w) => w.code, (w) => `warehouse code ${w.code}`),
      ...duplicates(data.customerGroups, 'customerGroups', (g) => g.code, (g) => `customer group code ${g.code}`),
      ...duplicates(data.companyNumbers, 'companyNumbers', (c) => c.code, (c) => `company number code ${c.code}`),
    ];
    for (const issue of issues) ctx.addIssue({ code: 'custom', message: issue.message, path: issue.path });
  });

/** Validated reference data (see {@link referenceDataSchema}). */
export type ReferenceData = z.output<typeof referenceDataSchema>;

/** Reference data that failed validation or could not be read. */
export class ReferenceDataError extends Error {
  override readonly name = 'ReferenceDataError';
}

/**
 * Validates reference data.
 *
 * @param json the parsed JSON (or config) value
 * @returns the data, trimmed
 * @throws ReferenceDataError listing every problem found
 */
export function parseReferenceData(json: unknown): ReferenceData {
  const result = referenceDataSchema.safeParse(json);
  if (!result.success) {
    throw new ReferenceDataError(`invalid reference data:\n${z.prettifyError(result.error)}`);
  }
  return result.data;
}

/**
 * Reads and validates a reference data JSON file.
 *
 * @param path path of the JSON file
 * @throws ReferenceDataError when the file is not valid JSON or not valid reference data
 */
export async function loadReferenceData(path: string): Promise<ReferenceData> {
  const text = await readFile(path, 'utf8');
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new ReferenceDataError(`reference data file ${path} is not valid JSON: ${(error as Error).message}`);
  }
  try {
    return parseReferenceData(json);
  } catch (error) {
    if (error instanceof ReferenceDataError) throw new ReferenceDataError(`${path}: ${error.message}`);
    throw error;
  }
}

/**
 * Fast lookups over reference data. A list left out of the reference data is
 * `undefined` here, meaning its values are not checked.
 */
export interface ReferenceLookups {
  /** Keys built by {@link priceTypeKey}. */
  priceTypes: ReadonlySet<string>;
  paymentTermCodes?: ReadonlySet<string>;
  /** Lower-cased payment terms name → code. */
  paymentTermCodesByName?: ReadonlyMap<string, string>;
  shippingTermCodes?: ReadonlySet<string>;
  salesRepCodes?: ReadonlySet<string>;
  warehouseCodes?: ReadonlySet<string>;
  /** Lower-cased warehouse name → code. */
  warehouseCodesByName?: ReadonlyMap<string, string>;
  customerGroupCodes?: ReadonlySet<string>;
  /** Lower-cased customer group name → code. */
  customerGroupCodesByName?: ReadonlyMap<string, string>;
  companyNumberCodes?: ReadonlySet<string>;
  /** Lower-cased company number name → code. */
  companyNumberCodesByName?: ReadonlyMap<string, string>;
}

/** The lookup key of a currency / price label pair; the currency is compared case-insensitively. */
export function priceTypeKey(currency: string, name: string): string {
  return `${currency.toUpperCase()}/${name}`;
}

function codes(list: readonly { code: string }[] | undefined): ReadonlySet<string> | undefined {
  return list && new Set(list.map((item) => item.code));
}

function codesByName(list: readonly { code: string; name: string }[] | undefined): ReadonlyMap<string, string> | undefined {
  return list && new Map(list.map((item) => [item.name.toLowerCase(), item.code]));
}

const lookupCache = new WeakMap<ReferenceData, ReferenceLookups>();

/**
 * Builds (once per reference data object) the lookup sets used to validate rows.
 *
 * @param data validated reference data
 */
export function buildReferenceLookups(data: ReferenceData): ReferenceLookups {
  const cached = lookupCache.get(data);
  if (cached) return cached;
  const lookups: ReferenceLookups = {
    priceTypes: new Set(data.priceTypes.map((p) => priceTypeKey(p.currency, p.name))),
    paymentTermCodes: codes(data.paymentTerms),
    paymentTermCodesByName: codesByName(data.paymentTerms),
    shippingTermCodes: codes(data.shippingTerms),
    salesRepCodes: codes(data.salesReps),
    warehouseCodes: codes(data.warehouses),
    warehouseCodesByName: codesByName(data.warehouses),
    customerGroupCodes: codes(data.customerGroups),
    customerGroupCodesByName: codesByName(data.customerGroups),
    companyNumberCodes: codes(data.companyNumbers),
    companyNumberCodesByName: codesByName(data.companyNumbers),
  };
  lookupCache.set(data, lookups);
  return lookups;
}
