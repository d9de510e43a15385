/** Kind of value a template field holds. */
export type TemplateValueKind = 'Text' | 'Integer' | 'Boolean' | 'B or S';

/**
 * When a template field must have a value:
 * - `always`: on every row;
 * - `billing` / `shipping`: on rows of that address type (for the row's address);
 * - `priceType`: at least one complete currency/name pair per row;
 * - `never`: optional (possibly required by a conditional rule, see the row mapper).
 */
export type TemplateRequirement = 'always' | 'billing' | 'shipping' | 'priceType' | 'never';

/** Which repeated group a `_%`-numbered field belongs to. */
export type TemplateGroup =
  | 'warehouse'
  | 'buyer'
  | 'paymentTerms'
  | 'shippingTerms'
  | 'priceType'
  | 'shippingAddress'
  | 'billingAddress';

/** One field of the standard template's field table. */
export interface TemplateField {
  /** Column name; for a numbered field the part before `_<n>` (e.g. `buyer_name` for `buyer_name_1`). */
  name: string;
  /** Human label used by the ERP template. */
  label: string;
  requirement: TemplateRequirement;
  kind: TemplateValueKind;
  /** Longest value allowed, in characters; absent when the reference gives none (Boolean fields). */
  maxLength?: number;
  /** True when the column is repeated as `<name>_1`, `<name>_2`, … */
  numbered: boolean;
  /** The repeated group of a numbered field. */
  group?: TemplateGroup;
}

function field(
  name: string,
  label: string,
  requirement: TemplateRequirement,
  kind: TemplateValueKind,
  maxLength: number | undefined,
  group?: TemplateGroup,
): TemplateField {
  const result: TemplateField = { name, label, requirement, kind, numbered: group !== undefined };
  if (maxLength !== undefined) result.maxLength = maxLength;
  if (group !== undefined) result.group = group;
  return result;
}

/**
 * The standard customer template, in the reference's column order. `address_type`
 * is optional in the reference's table but the standard template cannot place an
 * address without it, so it is required here.
 */
export const TEMPLATE_FIELDS: readonly TemplateField[] = [
  field('profile_name', 'Profile Name', 'always', 'Text', 100),
  field('customer_code', 'Customer Code', 'always', 'Text', 100),
  field('customer_alias', 'Customer Alias', 'never', 'Text', 150),
  field('alternate_name', 'Alternate Name', 'never', 'Text', 100),
  field('website', 'Website', 'never', 'Text', 255),
  field('company_number_name', 'Company Number Name', 'never', 'Text', 150),
  field('company_number_code', 'Company Number Code', 'never', 'Text', 100),
  field('customer_group_name', 'Customer Group Name', 'never', 'Text', 150),
  field('customer_group_code', 'Customer Group Code', 'never', 'Text', 100),
  field('discount', 'Discount', 'never', 'Integer', 3),
  field('discount_line_item_level', 'Discount Line Item Level', 'never', 'Boolean', undefined),
  field('sales_rep_code', 'Sales Rep Code', 'never', 'Text', 255),
  field('warehouse_name', 'Warehouse Name', 'never', 'Text', 255, 'warehouse'),
  field('warehouse_code', 'Warehouse Code', 'never', 'Text', 255, 'warehouse'),
  field('buyer_name', 'Buyer Name', 'never', 'Text', 255, 'buyer'),
  field('buyer_email', 'Buyer Email', 'never', 'Text', 255, 'buyer'),
  field('payment_terms', 'Payment Terms', 'never', 'Text', 255, 'paymentTerms'),
  field('payment_terms_code', 'Payment Terms Code', 'never', 'Text', 255, 'paymentTerms'),
  field('shipping_terms', 'Shipping Terms', 'never', 'Text', 255, 'shippingTerms'),
  field('price_type_currency', 'Price Type Currency', 'priceType', 'Text', 3, 'priceType'),
  field('price_type_name', 'Price Type Name', 'priceType', 'Text', 100, 'priceType'),
  field('address_type', 'Address Type', 'always', 'B or S', 1),
  field('shipping_code', 'Shipping Code', 'shipping', 'Text', 100, 'shippingAddress'),
  field('shipping_name', 'Shipping Name', 'never', 'Text', 255, 'shippingAddress'),
  field('shipping_address_1', 'Shipping Address 1', 'never', 'Text', 100, 'shippingAddress'),
  field('shipping_address_2', 'Shipping Address 2', 'never', 'Text', 100, 'shippingAddress'),
  field('shipping_city', 'Shipping City', 'never', 'Text', 150, 'shippingAddress'),
  field('shipping_state', 'Shipping State', 'never', 'Text', 40, 'shippingAddress'),
  field('shipping_zip', 'Shipping Zip', 'never', 'Text', 20, 'shippingAddress'),
  field('shipping_country', 'Shipping Country', 'shipping', 'Text', 100, 'shippingAddress'),
  field('shipping_email', 'Shipping Email', 'never', 'Text', 255, 'shippingAddress'),
  field('shipping_phone', 'Shipping Phone', 'never', 'Text', 30, 'shippingAddress'),
  field('create_doors', 'Create Doors', 'never', 'Boolean', undefined),
  field('billing_code', 'Billing Code', 'billing', 'Text', 100, 'billingAddress'),
  field('billing_name', 'Billing Name', 'never', 'Text', 255, 'billingAddress'),
  field('billing_address_1', 'Billing Address 1', 'never', 'Text', 100, 'billingAddress'),
  field('billing_address_2', 'Billing Address 2', 'never', 'Text', 100, 'billingAddress'),
  field('billing_city', 'Billing City', 'never', 'Text', 150, 'billingAddress'),
  field('billing_state', 'Billing State', 'never', 'Text', 40, 'billingAddress'),
  field('billing_zip', 'Billing Zip', 'never', 'Text', 20, 'billingAddress'),
  field('billing_country', 'Billing Country', 'billing', 'Text', 100, 'billingAddress'),
];

/** Template fields by name (numbered fields under their name without `_<n>`). */
export const TEMPLATE_FIELDS_BY_NAME: ReadonlyMap<string, TemplateField> = new Map(TEMPLATE_FIELDS.map((f) => [f.name, f]));

/** Countries (codes and English names, upper case) whose addresses need a state. */
export const STATE_REQUIRED_COUNTRIES: ReadonlySet<string> = new Set([
  'US',
  'USA',
  'UNITED STATES',
  'UNITED STATES OF AMERICA',
  'CA',
  'CAN',
  'CANADA',
  'JP',
  'JPN',
  'JAPAN',
  'AU',
  'AUS',
  'AUSTRALIA',
]);

/**
 * Splits a column name into its template field and number: `buyer_name_2` →
 * `{ field: buyer_name, n: 2 }`, `profile_name` → `{ field: profile_name }`.
 *
 * @param column a column name in template spelling (case-insensitive, trimmed)
 * @returns the field and, for numbered fields, its number (≥ 1); `undefined` for unknown columns
 */
export function resolveTemplateColumn(column: string): { field: TemplateField; n?: number } | undefined {
  const name = column.trim().toLowerCase();
  const fixed = TEMPLATE_FIELDS_BY_NAME.get(name);
  if (fixed && !fixed.numbered) return { field: fixed };
  const match = /^(.+)_(\d+)$/.exec(name);
  if (!match) return undefined;
  const numbered = TEMPLATE_FIELDS_BY_NAME.get(match[1]!);
  const n = Number(match[2]);
  if (!numbered?.numbered || n < 1 || !Number.isSafeInteger(n)) return undefined;
  return { field: numbered, n };
}

/** The canonical column name of a template field, with its number for numbered fields. */
export function templateColumnName(field: TemplateField, n?: number): string {
  return field.numbered ? `${field.name}_${n ?? 1}` : field.name;
}
