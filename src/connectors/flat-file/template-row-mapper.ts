import type {
  Address,
  AddressAttribute,
  AddressContactDetail,
  Attribute,
  ContactDetail,
  ContactPerson,
  CustomerRecord,
  RejectedRecord,
} from '../../domain/customer-record.js';
import type { DelimitedRow } from './delimited-reader.js';
import { buildReferenceLookups, priceTypeKey, type ReferenceData, type ReferenceLookups } from './reference-data.js';
import { resolveTemplateColumn, STATE_REQUIRED_COUNTRIES, type TemplateField } from './template-fields.js';
import type { TemplateHeader } from './template-header.js';

/** Context of {@link mapTemplateRow}. */
export interface TemplateRowContext {
  /** Name of the file the row comes from; the `source` of rejects. */
  fileName: string;
  /** When given, codes and price types are checked against it. Default: no checks. */
  referenceData?: ReferenceData;
}

export type TemplateRowResult = { ok: true; record: CustomerRecord } | { ok: false; reject: RejectedRecord };

interface PlannedColumn {
  column: string;
  index: number;
  field: TemplateField;
}

/** Per-header precomputation: every template column with its field definition. */
const plans = new WeakMap<TemplateHeader, PlannedColumn[]>();

function planFor(header: TemplateHeader): PlannedColumn[] {
  let plan = plans.get(header);
  if (!plan) {
    plan = [...header.columns].map(([column, index]) => ({ column, index, field: resolveTemplateColumn(column)!.field }));
    plans.set(header, plan);
  }
  return plan;
}

const TRUE_VALUES = new Set(['y', 'yes', 'true', '1']);
const FALSE_VALUES = new Set(['n', 'no', 'false', '0']);

function parseBoolean(value: string): boolean | undefined {
  const lower = value.toLowerCase();
  if (TRUE_VALUES.has(lower)) return true;
  if (FALSE_VALUES.has(lower)) return false;
  return undefined;
}

function characterCount(value: string): number {
  let count = 0;
  for (const _ of value) count++;
  return count;
}

function unique(values: string[]): string[] {
  return [...new Set(values)];
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
 * @returns the record, or a reject naming the row's first problem
 */
export function mapTemplateRow(row: DelimitedRow, header: TemplateHeader, ctx: TemplateRowContext): TemplateRowResult {
  const fields = row.fields;
  const at = (column: string): string => {
    const index = header.columns.get(column);
    return index === undefined ? '' : (fields[index] ?? '').trim();
  };
  const customerCode = at('customer_code');
  const fail = (field: string | undefined, reason: string): TemplateRowResult => {
    const reject: RejectedRecord = { source: ctx.fileName, line: row.line, reason, raw: row.raw };
    if (customerCode !== '') reject.externalId = customerCode;
    if (field !== undefined) reject.field = field;
    return { ok: false, reject };
  };

  if (fields.length !== header.columnCount) {
    return fail(undefined, `row has ${fields.length} columns where the header has ${header.columnCount}`);
  }

  const profileName = at('profile_name');
  if (profileName === '') return fail('profile_name', 'profile_name is required');
  if (customerCode === '') return fail('customer_code', 'customer_code is required');

  const addressTypeValue = at('address_type');
  if (addressTypeValue === '') return fail('address_type', 'address_type is required (B for billing or S for shipping)');
  const addressType = addressTypeValue.toUpperCase();
  if (addressType !== 'B' && addressType !== 'S') {
    return fail('address_type', `address_type must be B or S, got ${addressTypeValue}`);
  }
  const shipping = addressType === 'S';
  const ignoredGroup = shipping ? 'billingAddress' : 'shippingAddress';

  const plan = planFor(header);
  for (const { column, index, field } of plan) {
    if (field.group === ignoredGroup || (!shipping && field.name === 'create_doors')) continue;
    const value = (fields[index] ?? '').trim();
    if (value === '') continue;
    if (field.kind === 'Integer') {
      if (!/^\d+$/.test(value) || (field.maxLength !== undefined && value.length > field.maxLength)) {
        return fail(column, `${column} must be a whole number of at most ${field.maxLength ?? 'any'} digits, got ${value}`);
      }
    } else if (field.kind === 'Boolean') {
      if (parseBoolean(value) === undefined) {
        return fail(column, `${column} must be Y/N, yes/no, true/false or 1/0, got ${value}`);
      }
    } else if (field.maxLength !== undefined && value.length > field.maxLength) {
      const count = characterCount(value);
      if (count > field.maxLength) return fail(column, `${column} is longer than ${field.maxLength} characters (${count})`);
    }
  }

  // Price types: complete pairs, at least one.
  const priceTypes: { currency: string; name: string; column: string }[] = [];
  for (const n of header.groups.priceType) {
    const currencyColumn = `price_type_currency_${n}`;
    const nameColumn = `price_type_name_${n}`;
    const currency = at(currencyColumn);
    const name = at(nameColumn);
    if (currency !== '' && name === '') return fail(nameColumn, `${nameColumn} is required when ${currencyColumn} is given`);
    if (name !== '' && currency === '') return fail(currencyColumn, `${currencyColumn} is required when ${nameColumn} is given`);
    if (currency !== '') priceTypes.push({ currency: currency.toUpperCase(), name, column: currencyColumn });
  }
  if (priceTypes.length === 0) {
    const n = header.groups.priceType[0] ?? 1;
    return fail(
      `price_type_currency_${n}`,
      `a price type is required: price_type_currency_${n} and price_type_name_${n} are empty`,
    );
  }

  // The row's addresses: the first number always, further numbers when any of their columns has a value.
  const prefix = shipping ? 'shipping' : 'billing';
  const kind = shipping ? 'shipping address' : 'billing address';
  const numbers = shipping ? header.groups.shippingAddress : header.groups.billingAddress;
  if (numbers.length === 0) {
    return fail('address_type', `address_type is ${addressType} but the header has no ${prefix}_* columns`);
  }
  const addressSuffixes = ['code', 'name', 'address_1', 'address_2', 'city', 'state', 'zip', 'country', 'email', 'phone'];
  const addresses: Address[] = [];
  const addressContactDetails: AddressContactDetail[] = [];
  const addressAttributes: AddressAttribute[] = [];
  const createDoorsValue = shipping ? at('create_doors') : '';
  const createDoors = createDoorsValue === '' ? undefined : parseBoolean(createDoorsValue);

  for (const n of numbers) {
    const get = (suffix: string): string => at(`${prefix}_${suffix}_${n}`);
    if (n !== numbers[0] && addressSuffixes.every((s) => get(s) === '')) continue;
    const code = get('code');
    const country = get('country');
    const state = get('state');
    if (code === '') return fail(`${prefix}_code_${n}`, `${prefix}_code_${n} is required for a ${kind} (address_type ${addressType})`);
    if (country === '') {
      return fail(`${prefix}_country_${n}`, `${prefix}_country_${n} is required for a ${kind} (address_type ${addressType})`);
    }
    if (state === '' && STATE_REQUIRED_COUNTRIES.has(country.toUpperCase())) {
      return fail(`${prefix}_state_${n}`, `${prefix}_state_${n} is required when ${prefix}_country_${n} is ${country}`);
    }
    const address: Address = { code, type: shipping ? 'shipping' : 'billing', name: get('name') || profileName };
    const optional = { line1: get('address_1'), line2: get('address_2'), city: get('city'), state, zip: get('zip'), country };
    for (const [key, value] of Object.entries(optional)) {
      if (value !== '') address[key as keyof typeof optional] = value;
    }
    addresses.push(address);
    const addressKey = `code:${code}`;
    if (shipping) {
      const email = get('email');
      const phone = get('phone');
      if (email !== '') addressContactDetails.push({ addressKey, kind: 'email', value: email });
      if (phone !== '') addressContactDetails.push({ addressKey, kind: 'phone', value: phone });
      if (createDoors !== undefined) addressAttributes.push({ addressKey, key: 'createDoors', value: createDoors });
    }
  }

  const contactPersons: ContactPerson[] = [];
  for (const n of header.groups.buyer) {
    const name = at(`buyer_name_${n}`);
    const email = at(`buyer_email_${n}`);
    if (name !== '' && email === '') return fail(`buyer_email_${n}`, `buyer_email_${n} is required when buyer_name_${n} is given`);
    if (name === '' && email === '') continue;
    const person: ContactPerson = {};
    if (name !== '') person.fullName = name;
    person.email = email;
    contactPersons.push(person);
  }

  const discount = at('discount');
  const discountLineItemLevel = at('discount_line_item_level');
  if (discount !== '' && discountLineItemLevel === '') {
    return fail('discount_line_item_level', 'discount_line_item_level is required when discount is given');
  }

  // Reference data.
  const lookups: ReferenceLookups | undefined = ctx.referenceData && buildReferenceLookups(ctx.referenceData);
  if (lookups) {
    for (const p of priceTypes) {
      if (!lookups.priceTypes.has(priceTypeKey(p.currency, p.name))) {
        return fail(p.column, `price type ${p.currency} / ${p.name} is not in the reference data`);
      }
    }
  }
  const salesRep = at('sales_rep_code');
  if (salesRep !== '' && lookups?.salesRepCodes && !lookups.salesRepCodes.has(salesRep)) {
    return fail('sales_rep_code', `sales rep ${salesRep} is not in the reference data`);
  }

  const paymentTerms: string[] = [];
  for (const n of header.groups.paymentTerms) {
    const resolved = resolveCode(
      `payment_terms_code_${n}`,
      at(`payment_terms_code_${n}`),
      `payment_terms_${n}`,
      at(`payment_terms_${n}`),
      lookups?.paymentTermCodes,
      lookups?.paymentTermCodesByName,
    );
    if (!resolved) continue;
    if (!resolved.known) return fail(resolved.column, `payment terms ${resolved.value} is not in the reference data`);
    paymentTerms.push(resolved.code);
  }

  const shippingTerms: string[] = [];
  for (const n of header.groups.shippingTerms) {
    const column = `shipping_terms_${n}`;
    const code = at(column);
    if (code === '') continue;
    if (lookups?.shippingTermCodes && !lookups.shippingTermCodes.has(code)) {
      return fail(column, `shipping terms ${code} is not in the reference data`);
    }
    shippingTerms.push(code);
  }

  const warehouses: string[] = [];
  for (const n of header.groups.warehouse) {
    const resolved = resolveCode(
      `warehouse_code_${n}`,
      at(`warehouse_code_${n}`),
      `warehouse_name_${n}`,
      at(`warehouse_name_${n}`),
      lookups?.warehouseCodes,
      lookups?.warehouseCodesByName,
    );
    if (!resolved) continue;
    if (!resolved.known) return fail(resolved.column, `warehouse ${resolved.value} is not in the reference data`);
    warehouses.push(resolved.code);
  }

  const customerGroup = resolveCode(
    'customer_group_code',
    at('customer_group_code'),
    'customer_group_name',
    at('customer_group_name'),
    lookups?.customerGroupCodes,
    lookups?.customerGroupCodesByName,
  );
  if (customerGroup && !customerGroup.known) {
    return fail(customerGroup.column, `customer group ${customerGroup.value} is not in the reference data`);
  }
  const companyNumber = resolveCode(
    'company_number_code',
    at('company_number_code'),
    'company_number_name',
    at('company_number_name'),
    lookups?.companyNumberCodes,
    lookups?.companyNumberCodesByName,
  );
  if (companyNumber && !companyNumber.known) {
    return fail(companyNumber.column, `company number ${companyNumber.value} is not in the reference data`);
  }

  const customerAttributes: Attribute[] = [];
  const addAttribute = (key: string, value: Attribute['value'] | undefined): void => {
    if (value === undefined || value === '' || (Array.isArray(value) && value.length === 0)) return;
    customerAttributes.push({ key, value });
  };
  addAttribute('customerAlias', at('customer_alias'));
  addAttribute('alternateName', at('alternate_name'));
  addAttribute('companyNumber', companyNumber?.code);
  addAttribute('customerGroup', customerGroup?.code);
  addAttribute('discount', discount === '' ? undefined : Number(discount));
  addAttribute('discountLineItemLevel', discountLineItemLevel === '' ? undefined : parseBoolean(discountLineItemLevel));
  addAttribute('salesRep', salesRep);
  addAttribute('warehouses', unique(warehouses));
  addAttribute('paymentTerms', unique(paymentTerms));
  addAttribute('shippingTerms', unique(shippingTerms));
  addAttribute('priceTypes', unique(priceTypes.map((p) => `${p.currency}/${p.name}`)));

  const customerContactDetails: ContactDetail[] = [];
  const website = at('website');
  if (website !== '') customerContactDetails.push({ kind: 'website', value: website });

  return {
    ok: true,
    record: {
      externalId: customerCode,
      type: 'COMPANY',
      name: { companyName: profileName },
      addresses,
      contactPersons,
      customerAttributes,
      customerContactDetails,
      addressContactDetails,
      addressAttributes,
    },
  };
}
