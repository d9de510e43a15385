import type {
  Address,
  AddressAttribute,
  AddressContactDetail,
  Attribute,
  ContactPerson,
  CustomerRecord,
  RejectedRecord,
} from '../../domain/customer-record.js';
import { firstUnstorableField, unstorableTextReason } from '../../domain/storable-values.js';
import type { DelimitedRow } from './delimited-reader.js';
import { buildReferenceLookups, priceTypeKey, type ReferenceData, type ReferenceLookups } from './reference-data.js';
import { resolveTemplateColumn, type TemplateField, type TemplateGroup } from './template-fields.js';
import { bindRules, ruleViolations, type BoundRule } from './template-rules.js';
import type { TemplateHeader } from './template-header.js';

/** Context of {@link mapTemplateRow}. */
export interface TemplateRowContext {
  /** Name of the file the row comes from; the `source` of rejects. */
  fileName: string;
  /** When given, codes and price types are checked against it. Default: no checks. */
  referenceData?: ReferenceData;
  /** Cell values (compared trimmed, case-insensitively) that mean "no value", e.g. `NULL`. Default: none. */
  nullMarkers?: readonly string[];
  /** Spellings of yes and no in Boolean columns (compared case-insensitively). Default: Y/yes/true/1 and N/no/false/0. */
  booleans?: BooleanSpellings;
}

/** How a file writes yes and no. */
export interface BooleanSpellings {
  true: readonly string[];
  false: readonly string[];
}

export const DEFAULT_BOOLEAN_SPELLINGS: BooleanSpellings = { true: ['Y', 'yes', 'true', '1'], false: ['N', 'no', 'false', '0'] };

/** One thing wrong with a row: the column and what is wrong with it. */
interface Problem {
  field: string;
  reason: string;
}

/** A row's outcome: a customer record fragment, or a reject saying where and why. */
export type TemplateRowResult = { ok: true; record: CustomerRecord } | { ok: false; reject: RejectedRecord };

interface PlannedColumn {
  column: string;
  index: number;
  field: TemplateField;
}

/** Column indexes (-1 when absent) of one numbered address. */
interface AddressColumns {
  n: number;
  code: number;
  name: number;
  line1: number;
  line2: number;
  city: number;
  state: number;
  zip: number;
  country: number;
  email: number;
  phone: number;
  /** Every column of this address present in the header. */
  all: number[];
}

interface NumberedPair {
  n: number;
  first: number;
  second: number;
}

/** Per-header precomputation, so a row is mapped with indexed reads only. */
interface HeaderPlan {
  columns: PlannedColumn[];
  profileName: number;
  customerCode: number;
  addressType: number;
  customerAlias: number;
  alternateName: number;
  website: number;
  companyNumberCode: number;
  companyNumberName: number;
  customerGroupCode: number;
  customerGroupName: number;
  discount: number;
  discountLineItemLevel: number;
  salesRep: number;
  createDoors: number;
  /** first: currency, second: name. */
  priceTypes: NumberedPair[];
  /** first: name, second: email. */
  buyers: NumberedPair[];
  /** first: code, second: name. */
  paymentTerms: NumberedPair[];
  /** first: code. */
  shippingTerms: NumberedPair[];
  /** first: code, second: name. */
  warehouses: NumberedPair[];
  billing: AddressColumns[];
  shipping: AddressColumns[];
  /** The conditional rules bound to this header's columns. */
  rules: BoundRule[];
}

const plans = new WeakMap<TemplateHeader, HeaderPlan>();

function planFor(header: TemplateHeader): HeaderPlan {
  const cached = plans.get(header);
  if (cached) return cached;
  const index = (column: string): number => header.columns.get(column) ?? -1;
  const pairs = (numbers: readonly number[], first: string, second: string): NumberedPair[] =>
    numbers.map((n) => ({ n, first: index(`${first}_${n}`), second: index(`${second}_${n}`) }));
  const addresses = (numbers: readonly number[], prefix: string): AddressColumns[] =>
    numbers.map((n) => {
      const columns = {
        n,
        code: index(`${prefix}_code_${n}`),
        name: index(`${prefix}_name_${n}`),
        line1: index(`${prefix}_address_1_${n}`),
        line2: index(`${prefix}_address_2_${n}`),
        city: index(`${prefix}_city_${n}`),
        state: index(`${prefix}_state_${n}`),
        zip: index(`${prefix}_zip_${n}`),
        country: index(`${prefix}_country_${n}`),
        email: index(`${prefix}_email_${n}`),
        phone: index(`${prefix}_phone_${n}`),
      };
      const all = Object.values(columns).slice(1).filter((i) => i >= 0);
      return { ...columns, all };
    });
  const plan: HeaderPlan = {
    columns: [...header.columns].map(([column, i]) => ({ column, index: i, field: resolveTemplateColumn(column)!.field })),
    profileName: index('profile_name'),
    customerCode: index('customer_code'),
    addressType: index('address_type'),
    customerAlias: index('customer_alias'),
    alternateName: index('alternate_name'),
    website: index('website'),
    companyNumberCode: index('company_number_code'),
    companyNumberName: index('company_number_name'),
    customerGroupCode: index('customer_group_code'),
    customerGroupName: index('customer_group_name'),
    discount: index('discount'),
    discountLineItemLevel: index('discount_line_item_level'),
    salesRep: index('sales_rep_code'),
    createDoors: index('create_doors'),
    priceTypes: pairs(header.groups.priceType, 'price_type_currency', 'price_type_name'),
    buyers: pairs(header.groups.buyer, 'buyer_name', 'buyer_email'),
    paymentTerms: pairs(header.groups.paymentTerms, 'payment_terms_code', 'payment_terms'),
    shippingTerms: pairs(header.groups.shippingTerms, 'shipping_terms', 'shipping_terms'),
    warehouses: pairs(header.groups.warehouse, 'warehouse_code', 'warehouse_name'),
    billing: addresses(header.groups.billingAddress, 'billing'),
    shipping: addresses(header.groups.shippingAddress, 'shipping'),
    rules: bindRules(index, (group) => header.groups[group]),
  };
  plans.set(header, plan);
  return plan;
}

/** The trimmed value of a column, '' when the header has no such column. */
function cell(fields: readonly string[], index: number): string {
  return index < 0 ? '' : (fields[index] ?? '').trim();
}

function rejectRow(row: DelimitedRow, ctx: TemplateRowContext, customerCode: string, field: string | undefined, reason: string): TemplateRowResult {
  const reject: RejectedRecord = { source: ctx.fileName, line: row.line, reason, raw: row.raw };
  if (customerCode !== '') reject.externalId = customerCode;
  if (field !== undefined) reject.field = field;
  return { ok: false, reject };
}

interface CompiledSpellings {
  nullMarkers?: ReadonlySet<string>;
  trueValues: ReadonlySet<string>;
  falseValues: ReadonlySet<string>;
  /** For messages: `Y/N, yes/no, …`. */
  described: string;
}

const compiled = new WeakMap<TemplateRowContext, CompiledSpellings>();

function spellingsOf(ctx: TemplateRowContext): CompiledSpellings {
  let found = compiled.get(ctx);
  if (!found) {
    const booleans = ctx.booleans ?? DEFAULT_BOOLEAN_SPELLINGS;
    const pairs = booleans.true.map((t, i) => (booleans.false[i] ? `${t}/${booleans.false[i]}` : t));
    const rest = booleans.false.slice(booleans.true.length);
    const all = [...pairs, ...rest];
    found = {
      ...(ctx.nullMarkers?.length ? { nullMarkers: new Set(ctx.nullMarkers.map((m) => m.trim().toLowerCase())) } : {}),
      trueValues: new Set(booleans.true.map((v) => v.toLowerCase())),
      falseValues: new Set(booleans.false.map((v) => v.toLowerCase())),
      described: all.length > 1 ? `${all.slice(0, -1).join(', ')} or ${all.at(-1)}` : (all[0] ?? ''),
    };
    compiled.set(ctx, found);
  }
  return found;
}

function parseBoolean(value: string, spellings: CompiledSpellings): boolean | undefined {
  const lower = value.toLowerCase();
  if (spellings.trueValues.has(lower)) return true;
  if (spellings.falseValues.has(lower)) return false;
  return undefined;
}

function characterCount(value: string): number {
  return Array.from(value).length;
}

function unique(values: string[]): string[] {
  return values.length < 2 ? values : [...new Set(values)];
}

/** Where a value of a code-or-name pair of columns was found, and the code it stands for. */
interface ResolvedCode {
  code: string;
  column: string;
  value: string;
  known: boolean;
}

/**
 * Resolves a code given directly or by its name through the reference data.
 * Without reference data for the list, any code is accepted and a name stands in for a code.
 */
function resolveCode(
  codeColumn: string,
  code: string,
  nameColumn: string | undefined,
  name: string,
  codes: ReadonlySet<string> | undefined,
  codesByName: ReadonlyMap<string, string> | undefined,
): ResolvedCode | undefined {
  if (code !== '') return { code, column: codeColumn, value: code, known: codes === undefined || codes.has(code) };
  if (name === '' || nameColumn === undefined) return undefined;
  if (codesByName === undefined) return { code: name, column: nameColumn, value: name, known: true };
  const byName = codesByName.get(name.toLowerCase());
  return { code: byName ?? name, column: nameColumn, value: name, known: byName !== undefined };
}

/**
 * Validates one data row of a standard-template file and maps it to a customer
 * record fragment. Each row describes one address of a customer; the caller
 * combines the fragments of rows with the same `customer_code`.
 *
 * The fragment always carries every aspect the template covers (`addresses`,
 * `contactPersons`, `customerAttributes`, `customerContactDetails`,
 * `addressContactDetails`, `addressAttributes`), empty when the row has none.
 *
 * @param row a data row from {@link readDelimitedRows}
 * @param header the file's header from {@link parseTemplateHeader}
 * @param ctx file name for rejects and optional reference data
 * @returns the record, or a reject naming every problem of the row: its columns in
 *   `field` (comma-separated) and its reasons in `reason` (separated by `; `)
 */
export function mapTemplateRow(row: DelimitedRow, header: TemplateHeader, ctx: TemplateRowContext): TemplateRowResult {
  const spellings = spellingsOf(ctx);
  const markers = spellings.nullMarkers;
  const fields = markers ? row.fields.map((f) => (markers.has(f.trim().toLowerCase()) ? '' : f)) : row.fields;
  const plan = planFor(header);
  const customerCode = cell(fields, plan.customerCode);
  const unreadable = unreadableCell(row, header, fields);
  if (unreadable) return rejectRow(row, ctx, customerCode, unreadable.column, unreadable.reason);

  const problems: Problem[] = [];
  const scope: RowScope = { fields, plan, spellings, problem: (field, reason) => problems.push({ field, reason }) };
  const profileName = cell(fields, plan.profileName);
  if (profileName === '') scope.problem('profile_name', 'profile_name is required');
  if (customerCode === '') scope.problem('customer_code', 'customer_code is required');
  const type = addressTypeOf(scope);
  checkCells(scope, type);
  const priceTypes = priceTypesOf(scope, problems);
  const addressItems = addressesOf(scope, type, profileName);
  const contactPersons = contactPersonsOf(scope);
  const codes = referenceCodesOf(scope, ctx.referenceData && buildReferenceLookups(ctx.referenceData), priceTypes);
  if (problems.length > 0) {
    return rejectRow(row, ctx, customerCode, unique(problems.map((p) => p.field)).join(', '), problems.map((p) => p.reason).join('; '));
  }

  const website = cell(fields, plan.website);
  return {
    ok: true,
    record: {
      externalId: customerCode,
      type: 'COMPANY',
      name: { companyName: profileName },
      addresses: addressItems.addresses,
      contactPersons,
      customerAttributes: customerAttributesOf(scope, codes, priceTypes),
      customerContactDetails: website !== '' ? [{ kind: 'website', value: website }] : [],
      addressContactDetails: addressItems.addressContactDetails,
      addressAttributes: addressItems.addressAttributes,
    },
  };
}

/** A row being mapped: its cells, the header's plan, the file's spellings, and where its problems go. */
interface RowScope {
  fields: readonly string[];
  plan: HeaderPlan;
  spellings: CompiledSpellings;
  problem: (field: string, reason: string) => void;
}

/** A row that cannot be read as cells of the header: a wrong column count, undecodable bytes, a value PostgreSQL cannot store. */
function unreadableCell(row: DelimitedRow, header: TemplateHeader, fields: readonly string[]): { column?: string; reason: string } | undefined {
  if (fields.length !== header.columnCount) return { reason: `row has ${fields.length} columns where the header has ${header.columnCount}` };
  const columnName = (index: number) => [...header.columns].find(([, i]) => i === index)?.[0] ?? `column ${index + 1}`;
  if (row.undecodable) {
    const index = row.undecodable.field;
    const column = columnName(index);
    return { column, reason: `${column} (column ${index + 1}) cannot be read: ${row.undecodable.reason}` };
  }
  // A field is the row's text less delimiters and quotes: when the row can be stored, so can every field.
  const unstorable = unstorableTextReason(row.raw) === undefined ? -1 : firstUnstorableField(fields);
  if (unstorable >= 0) {
    const column = columnName(unstorable);
    return { column, reason: `${column} (column ${unstorable + 1}) ${unstorableTextReason(fields[unstorable]!)!}` };
  }
  return undefined;
}

/** The row's address type and which address columns it ignores. */
interface AddressTypeOfRow {
  addressType: string;
  /** B or S. */
  knownType: boolean;
  shipping: boolean;
  /** The other type's group of columns (none when the type is unknown). */
  ignoredGroup: TemplateGroup | undefined;
}

function addressTypeOf({ fields, plan, problem }: RowScope): AddressTypeOfRow {
  const addressTypeValue = cell(fields, plan.addressType);
  const addressType = addressTypeValue.toUpperCase();
  if (addressTypeValue === '') problem('address_type', 'address_type is required (B for billing or S for shipping)');
  else if (addressType !== 'B' && addressType !== 'S') problem('address_type', `address_type must be B or S, got ${addressTypeValue}`);
  const knownType = addressType === 'B' || addressType === 'S';
  const shipping = addressType === 'S';
  return { addressType, knownType, shipping, ignoredGroup: !knownType ? undefined : shipping ? 'billingAddress' : 'shippingAddress' };
}

/** Each cell against its field's kind and length, then the template's rules. */
function checkCells({ fields, plan, spellings, problem }: RowScope, type: AddressTypeOfRow): void {
  const { knownType, shipping, ignoredGroup } = type;
  for (const { column, index, field } of plan.columns) {
    if (field.group === ignoredGroup || (knownType && !shipping && index === plan.createDoors)) continue;
    const value = cell(fields, index);
    if (value === '') continue;
    if (field.kind === 'Integer') {
      if (!/^\d+$/.test(value) || (field.maxLength !== undefined && value.length > field.maxLength)) {
        problem(column, `${column} must be a whole number of at most ${field.maxLength ?? 'any'} digits, got ${value}`);
      }
    } else if (field.kind === 'Boolean') {
      if (parseBoolean(value, spellings) === undefined) problem(column, `${column} must be ${spellings.described}, got ${value}`);
    } else if (field.maxLength !== undefined && value.length > field.maxLength) {
      const count = characterCount(value);
      if (count > field.maxLength) problem(column, `${column} is longer than ${field.maxLength} characters (${count})`);
    }
  }
  // Address columns count on rows of their address type only (neither, when the type is unknown).
  const skippedGroups = knownType ? [ignoredGroup!] : (['billingAddress', 'shippingAddress'] as const);
  for (const v of ruleViolations(plan.rules, (index) => cell(fields, index), skippedGroups)) problem(v.field, v.reason);
}

interface PriceType {
  currency: string;
  name: string;
  n: number;
}

/** Price types: complete pairs (see the rules), at least one. */
function priceTypesOf({ fields, plan, problem }: RowScope, problems: readonly Problem[]): PriceType[] {
  const priceTypes: PriceType[] = [];
  for (const { n, first, second } of plan.priceTypes) {
    const currency = cell(fields, first);
    const name = cell(fields, second);
    if (currency !== '' && name !== '') priceTypes.push({ currency: currency.toUpperCase(), name, n });
  }
  if (priceTypes.length === 0 && !problems.some((p) => p.field.startsWith('price_type_'))) {
    const n = plan.priceTypes[0]?.n ?? 1;
    problem(`price_type_currency_${n}`, `a price type is required: price_type_currency_${n} and price_type_name_${n} are empty`);
  }
  return priceTypes;
}

/** The row's addresses: the first number always, further numbers when any of their columns has a value. */
function addressesOf({ fields, plan, spellings, problem }: RowScope, type: AddressTypeOfRow, profileName: string) {
  const { addressType, knownType, shipping } = type;
  const prefix = shipping ? 'shipping' : 'billing';
  const kind = shipping ? 'shipping address' : 'billing address';
  const addressPlans = !knownType ? [] : shipping ? plan.shipping : plan.billing;
  if (knownType && addressPlans.length === 0) {
    problem('address_type', `address_type is ${addressType} but the header has no ${prefix}_* columns`);
  }
  const addresses: Address[] = [];
  const addressContactDetails: AddressContactDetail[] = [];
  const addressAttributes: AddressAttribute[] = [];
  const createDoorsValue = shipping ? cell(fields, plan.createDoors) : '';
  const createDoors = createDoorsValue === '' ? undefined : parseBoolean(createDoorsValue, spellings);

  for (let a = 0; a < addressPlans.length; a++) {
    const columns = addressPlans[a]!;
    const n = columns.n;
    if (a > 0 && columns.all.every((i) => cell(fields, i) === '')) continue;
    const code = cell(fields, columns.code);
    const country = cell(fields, columns.country);
    const state = cell(fields, columns.state);
    let complete = true;
    if (code === '') {
      problem(`${prefix}_code_${n}`, `${prefix}_code_${n} is required for a ${kind} (address_type ${addressType})`);
      complete = false;
    }
    if (country === '') {
      problem(`${prefix}_country_${n}`, `${prefix}_country_${n} is required for a ${kind} (address_type ${addressType})`);
      complete = false;
    }
    if (!complete) continue;
    const address: Address = { code, type: shipping ? 'shipping' : 'billing', name: cell(fields, columns.name) || profileName };
    const line1 = cell(fields, columns.line1);
    const line2 = cell(fields, columns.line2);
    const city = cell(fields, columns.city);
    const zip = cell(fields, columns.zip);
    if (line1 !== '') address.line1 = line1;
    if (line2 !== '') address.line2 = line2;
    if (city !== '') address.city = city;
    if (state !== '') address.state = state;
    if (zip !== '') address.zip = zip;
    address.country = country;
    addresses.push(address);
    if (shipping) {
      const addressKey = `code:${code}`;
      const email = cell(fields, columns.email);
      const phone = cell(fields, columns.phone);
      if (email !== '') addressContactDetails.push({ addressKey, kind: 'email', value: email });
      if (phone !== '') addressContactDetails.push({ addressKey, kind: 'phone', value: phone });
      if (createDoors !== undefined) addressAttributes.push({ addressKey, key: 'createDoors', value: createDoors });
    }
  }
  return { addresses, addressContactDetails, addressAttributes };
}

/** Buyers with an email address. */
function contactPersonsOf({ fields, plan }: RowScope): ContactPerson[] {
  const contactPersons: ContactPerson[] = [];
  for (const { first, second } of plan.buyers) {
    const name = cell(fields, first);
    const email = cell(fields, second);
    if (email === '') continue;
    contactPersons.push(name === '' ? { email } : { fullName: name, email });
  }
  return contactPersons;
}

/** The row's codes, each checked against the reference data when there is one. */
interface ReferenceCodes {
  salesRep: string;
  paymentTerms: string[];
  shippingTerms: string[];
  warehouses: string[];
  customerGroup: ResolvedCode | undefined;
  companyNumber: ResolvedCode | undefined;
}

function referenceCodesOf({ fields, plan, problem }: RowScope, lookups: ReferenceLookups | undefined, priceTypes: readonly PriceType[]): ReferenceCodes {
  if (lookups) {
    for (const p of priceTypes) {
      if (!lookups.priceTypes.has(priceTypeKey(p.currency, p.name))) {
        problem(`price_type_currency_${p.n}`, `price type ${p.currency} / ${p.name} is not in the reference data`);
      }
    }
  }
  const salesRep = cell(fields, plan.salesRep);
  if (salesRep !== '' && lookups?.salesRepCodes && !lookups.salesRepCodes.has(salesRep)) {
    problem('sales_rep_code', `sales rep ${salesRep} is not in the reference data`);
  }

  const paymentTerms: string[] = [];
  for (const { n, first, second } of plan.paymentTerms) {
    const resolved = resolveCode(`payment_terms_code_${n}`, cell(fields, first), `payment_terms_${n}`, cell(fields, second), lookups?.paymentTermCodes, lookups?.paymentTermCodesByName);
    if (!resolved) continue;
    if (!resolved.known) problem(resolved.column, `payment terms ${resolved.value} is not in the reference data`);
    else paymentTerms.push(resolved.code);
  }

  const shippingTerms: string[] = [];
  for (const { n, first } of plan.shippingTerms) {
    const code = cell(fields, first);
    if (code === '') continue;
    if (lookups?.shippingTermCodes && !lookups.shippingTermCodes.has(code)) {
      problem(`shipping_terms_${n}`, `shipping terms ${code} is not in the reference data`);
    } else shippingTerms.push(code);
  }

  const warehouses: string[] = [];
  for (const { n, first, second } of plan.warehouses) {
    const resolved = resolveCode(`warehouse_code_${n}`, cell(fields, first), `warehouse_name_${n}`, cell(fields, second), lookups?.warehouseCodes, lookups?.warehouseCodesByName);
    if (!resolved) continue;
    if (!resolved.known) problem(resolved.column, `warehouse ${resolved.value} is not in the reference data`);
    else warehouses.push(resolved.code);
  }

  const customerGroup = resolveCode(
    'customer_group_code',
    cell(fields, plan.customerGroupCode),
    'customer_group_name',
    cell(fields, plan.customerGroupName),
    lookups?.customerGroupCodes,
    lookups?.customerGroupCodesByName,
  );
  if (customerGroup && !customerGroup.known) problem(customerGroup.column, `customer group ${customerGroup.value} is not in the reference data`);
  const companyNumber = resolveCode(
    'company_number_code',
    cell(fields, plan.companyNumberCode),
    'company_number_name',
    cell(fields, plan.companyNumberName),
    lookups?.companyNumberCodes,
    lookups?.companyNumberCodesByName,
  );
  if (companyNumber && !companyNumber.known) problem(companyNumber.column, `company number ${companyNumber.value} is not in the reference data`);
  return { salesRep, paymentTerms, shippingTerms, warehouses, customerGroup, companyNumber };
}

/** The customer's attributes from a row without problems. */
function customerAttributesOf({ fields, plan, spellings }: RowScope, codes: ReferenceCodes, priceTypes: readonly PriceType[]): Attribute[] {
  const attributes: Attribute[] = [];
  const customerAlias = cell(fields, plan.customerAlias);
  const alternateName = cell(fields, plan.alternateName);
  const discount = cell(fields, plan.discount);
  const discountLineItemLevel = cell(fields, plan.discountLineItemLevel);
  if (customerAlias !== '') attributes.push({ key: 'customerAlias', value: customerAlias });
  if (alternateName !== '') attributes.push({ key: 'alternateName', value: alternateName });
  if (codes.companyNumber) attributes.push({ key: 'companyNumber', value: codes.companyNumber.code });
  if (codes.customerGroup) attributes.push({ key: 'customerGroup', value: codes.customerGroup.code });
  if (discount !== '') attributes.push({ key: 'discount', value: Number(discount) });
  if (discountLineItemLevel !== '') attributes.push({ key: 'discountLineItemLevel', value: parseBoolean(discountLineItemLevel, spellings)! });
  if (codes.salesRep !== '') attributes.push({ key: 'salesRep', value: codes.salesRep });
  // Each item of a `_%` group is an attribute of its own, keyed by what identifies it.
  for (const code of unique(codes.warehouses)) attributes.push({ key: `warehouse:${code}`, value: code });
  for (const code of unique(codes.paymentTerms)) attributes.push({ key: `paymentTerms:${code}`, value: code });
  for (const code of unique(codes.shippingTerms)) attributes.push({ key: `shippingTerms:${code}`, value: code });
  for (const key of unique(priceTypes.map((p) => `priceType:${p.currency}/${p.name}`))) {
    attributes.push({ key, value: key.slice(key.indexOf('/') + 1) });
  }
  return attributes;
}
