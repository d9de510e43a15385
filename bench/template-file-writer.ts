import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { BENCH_REFERENCE_DATA, generateCustomer, type BenchAddress, type BenchCustomer } from './customer-generator.js';

/** The standard template's header, exactly as in the shared sample files. */
export const TEMPLATE_HEADER = [
  'profile_name',
  'customer_code',
  'customer_alias',
  'alternate_name',
  'website',
  'company_number_name',
  'company_number_code',
  'customer_group_name',
  'customer_group_code',
  'discount',
  'discount_line_item_level',
  'sales_rep_code',
  'warehouse_name_1',
  'warehouse_code_1',
  'buyer_name_1',
  'buyer_email_1',
  'buyer_name_2',
  'buyer_email_2',
  'payment_terms_1',
  'payment_terms_code_1',
  'shipping_terms_1',
  'price_type_currency_1',
  'price_type_name_1',
  'price_type_currency_2',
  'price_type_name_2',
  'address_type',
  'shipping_code_1',
  'shipping_name_1',
  'shipping_address_1_1',
  'shipping_address_2_1',
  'shipping_city_1',
  'shipping_state_1',
  'shipping_zip_1',
  'shipping_country_1',
  'shipping_email_1',
  'shipping_phone_1',
  'create_doors',
  'billing_code_1',
  'billing_name_1',
  'billing_address_1_1',
  'billing_address_2_1',
  'billing_city_1',
  'billing_state_1',
  'billing_zip_1',
  'billing_country_1',
] as const;

const DELIMITER = '|';
const NEEDS_QUOTES = /[|"\r\n]/;

function field(value: string): string {
  return NEEDS_QUOTES.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

function addressCells(a: BenchAddress | undefined, shipping: boolean): string[] {
  if (!a) return new Array<string>(shipping ? 11 : 8).fill('');
  const common = [a.code, a.name, a.line1, a.line2, a.city, a.state, a.zip, a.country];
  return shipping ? [...common, a.email, a.phone, a.createDoors] : common;
}

/** The template rows of one customer (one per address), joined with line feeds, ending in one. */
export function customerRows(c: BenchCustomer): string {
  const customer = [
    c.profileName,
    c.code,
    c.alias,
    c.alternateName,
    c.website,
    c.companyNumber?.name ?? '',
    c.companyNumber?.code ?? '',
    c.customerGroup.name,
    c.customerGroup.code,
    c.discount,
    c.discountLineItemLevel,
    c.salesRep,
    c.warehouse.name,
    c.warehouse.code,
    c.buyers[0]?.name ?? '',
    c.buyers[0]?.email ?? '',
    c.buyers[1]?.name ?? '',
    c.buyers[1]?.email ?? '',
    c.paymentTerms.name,
    c.paymentTerms.code,
    c.shippingTerms,
    c.priceTypes[0]?.currency ?? '',
    c.priceTypes[0]?.name ?? '',
    c.priceTypes[1]?.currency ?? '',
    c.priceTypes[1]?.name ?? '',
  ]
    .map(field)
    .join(DELIMITER);
  let text = '';
  for (const a of c.addresses) {
    const shipping = a.type === 'shipping';
    const cells = [
      shipping ? 'S' : 'B',
      ...addressCells(shipping ? a : undefined, true),
      ...addressCells(shipping ? undefined : a, false),
    ];
    text += `${customer}${DELIMITER}${cells.map(field).join(DELIMITER)}\n`;
  }
  return text;
}

/** What {@link writeTemplateFile} wrote. */
export interface TemplateFileStats {
  customers: number;
  /** Data rows (addresses), without the header. */
  rows: number;
  bytes: number;
}

/**
 * Streams a standard-template file of `count` generated customers to `path`,
 * never holding more than a batch of rows in memory.
 */
export async function writeTemplateFile(path: string, count: number, seed = 1): Promise<TemplateFileStats> {
  const out = createWriteStream(path, { encoding: 'utf8', highWaterMark: 1 << 20 });
  const failed = new Promise<never>((_, reject) => out.once('error', reject));
  failed.catch(() => undefined);
  let rows = 0;
  let bytes = 0;
  const write = async (text: string): Promise<void> => {
    bytes += Buffer.byteLength(text);
    if (!out.write(text)) await Promise.race([once(out, 'drain'), failed]);
  };
  await write(`${TEMPLATE_HEADER.join(DELIMITER)}\n`);
  let batch = '';
  for (let i = 1; i <= count; i++) {
    const c = generateCustomer(i, seed);
    rows += c.addresses.length;
    batch += customerRows(c);
    if (batch.length >= 256 * 1024) {
      await write(batch);
      batch = '';
    }
  }
  if (batch.length > 0) await write(batch);
  out.end();
  await Promise.race([once(out, 'finish'), failed]);
  return { customers: count, rows, bytes };
}

/**
 * Writes a delta file of `changed` of the `count` customers {@link writeTemplateFile} wrote with
 * `seed`, spread evenly over them, each renamed (so each is an update).
 */
export async function writeChangedCustomersFile(path: string, count: number, changed: number, seed = 1): Promise<TemplateFileStats> {
  let text = `${TEMPLATE_HEADER.join(DELIMITER)}\n`;
  let rows = 0;
  const n = Math.min(changed, count);
  for (let k = 0; k < n; k++) {
    const c = generateCustomer(1 + Math.floor(((k + 0.5) * count) / n), seed);
    rows += c.addresses.length;
    text += customerRows({ ...c, profileName: `${c.profileName} (renamed)` });
  }
  await writeFile(path, text);
  return { customers: n, rows, bytes: Buffer.byteLength(text) };
}

/** Writes the reference data every generated customer is valid against. */
export async function writeReferenceData(path: string): Promise<void> {
  await writeFile(path, `${JSON.stringify(BENCH_REFERENCE_DATA, null, 2)}\n`);
}
