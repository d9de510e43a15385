import { closest, distance } from 'fastest-levenshtein';
import {
  resolveTemplateColumn,
  TEMPLATE_FIELDS,
  TEMPLATE_FIELDS_BY_NAME,
  templateColumnName,
  type TemplateField,
  type TemplateGroup,
} from './template-fields.js';

/** Where each standard-template column is in a file. */
export interface TemplateHeader {
  /** Number of columns in the header row; every data row must have as many. */
  columnCount: number;
  /** 0-based column index per canonical template column name (`profile_name`, `buyer_name_2`, …). */
  columns: ReadonlyMap<string, number>;
  /** Column name as written in the file, per canonical template column name. */
  fileColumns: ReadonlyMap<string, string>;
  /** The numbers found for each repeated group, ascending (e.g. buyer → [1, 2]). */
  groups: Readonly<Record<TemplateGroup, readonly number[]>>;
  /** Problems that do not make the header unusable, such as columns that are not template fields. */
  warnings: string[];
}

/** A header row the standard template cannot be read with. */
export class TemplateHeaderError extends Error {
  override readonly name = 'TemplateHeaderError';
  constructor(
    /** Every problem found. */
    readonly problems: string[],
    /** Non-fatal findings, as in {@link TemplateHeader.warnings}. */
    readonly warnings: string[] = [],
  ) {
    super(`unusable header row:\n${problems.map((p) => `- ${p}`).join('\n')}`);
  }
}

const GROUPS: readonly TemplateGroup[] = [
  'warehouse',
  'buyer',
  'paymentTerms',
  'shippingTerms',
  'priceType',
  'shippingAddress',
  'billingAddress',
];

const REQUIRED_COLUMNS = ['profile_name', 'customer_code', 'address_type'] as const;

const TEMPLATE_COLUMN_NAMES = TEMPLATE_FIELDS.map((f) => templateColumnName(f));

/** The template column a misspelled label most likely meant (a few letters off), if any. */
function closestTemplateColumn(label: string): string | undefined {
  const lower = label.toLowerCase();
  // Compare a numbered label with the first of its kind: custmer_name_3 → customer_name_1 → customer_name_3.
  const numbered = /^(.*)_(\d+)$/.exec(lower);
  const candidate = closest(numbered ? `${numbered[1]}_1` : lower, TEMPLATE_COLUMN_NAMES);
  if (distance(candidate, numbered ? `${numbered[1]}_1` : lower) > Math.max(2, Math.floor(lower.length / 5))) return undefined;
  const field = TEMPLATE_FIELDS.find((f) => templateColumnName(f) === candidate)!;
  const meant = field.numbered && numbered ? templateColumnName(field, Number(numbered[2])) : candidate;
  // A template column's own name, ignored because a column mapping moved the field elsewhere, is no misspelling.
  return meant === lower ? undefined : meant;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

interface CompiledMapping {
  /** Lower-cased file column name → canonical template column name. */
  exact: Map<string, string>;
  /** File column patterns for numbered fields (`%` stands for the number). */
  patterns: { regex: RegExp; field: TemplateField }[];
  /** Canonical template column names whose own names no longer identify them. */
  renamedColumns: Set<string>;
  /** Numbered fields whose `<name>_<n>` columns no longer identify them. */
  renamedFields: Set<string>;
}

function compileMapping(columnMapping: Record<string, string>, problems: string[]): CompiledMapping {
  const mapping: CompiledMapping = { exact: new Map(), patterns: [], renamedColumns: new Set(), renamedFields: new Set() };
  const targets = new Map<string, string>();
  for (const [templateName, fileColumn] of Object.entries(columnMapping)) {
    const key = templateName.trim().toLowerCase();
    const target = fileColumn.trim().toLowerCase();
    if (target === '') {
      problems.push(`columnMapping for ${templateName} names no column`);
      continue;
    }
    const earlier = targets.get(target);
    if (earlier !== undefined) {
      problems.push(`columnMapping maps both ${earlier} and ${templateName} to column ${fileColumn}`);
      continue;
    }
    targets.set(target, templateName);

    if (key.endsWith('_%')) {
      const field = TEMPLATE_FIELDS_BY_NAME.get(key.slice(0, -2));
      if (!field?.numbered) {
        problems.push(`columnMapping refers to ${templateName}, which is not a numbered template field`);
      } else if (!target.includes('%')) {
        problems.push(`columnMapping for ${templateName} must contain % where the number goes, got ${fileColumn}`);
      } else {
        const source = target.split('%').map(escapeRegExp).join('(\\d+)');
        mapping.patterns.push({ regex: new RegExp(`^${source}$`), field });
        mapping.renamedFields.add(field.name);
      }
      continue;
    }
    const resolved = resolveTemplateColumn(key);
    if (!resolved) {
      problems.push(`columnMapping refers to ${templateName}, which is not a template field`);
      continue;
    }
    const canonical = templateColumnName(resolved.field, resolved.n);
    mapping.exact.set(target, canonical);
    mapping.renamedColumns.add(canonical);
  }
  return mapping;
}

function resolveColumn(label: string, mapping: CompiledMapping): { field: TemplateField; n?: number; column: string } | undefined {
  const key = label.toLowerCase();
  const mapped = mapping.exact.get(key);
  if (mapped !== undefined) {
    const resolved = resolveTemplateColumn(mapped)!;
    return { ...resolved, column: mapped };
  }
  for (const { regex, field } of mapping.patterns) {
    const match = regex.exec(key);
    const digits = match?.slice(1).find((d) => d !== undefined);
    const n = Number(digits);
    // Every % in a pattern must carry the same number.
    if (match && match.slice(1).every((d) => d === digits) && n >= 1 && Number.isSafeInteger(n)) {
      return { field, n, column: templateColumnName(field, n) };
    }
  }
  const resolved = resolveTemplateColumn(key);
  if (!resolved) return undefined;
  const column = templateColumnName(resolved.field, resolved.n);
  if (mapping.renamedColumns.has(column) || mapping.renamedFields.has(resolved.field.name)) return undefined;
  return { ...resolved, column };
}

/**
 * Locates the standard-template columns in a header row. Column names match
 * case-insensitively; `_%`-numbered columns are found for any number
 * (`buyer_name_1`, `buyer_name_2`, `warehouse_code_3`, …).
 *
 * @param fields the header row's fields
 * @param columnMapping for files that differ from the template: template column name →
 *   column name in the file, e.g. `{ customer_code: 'CUST_NO', buyer_name_1: 'Buyer' }`;
 *   a numbered field may be mapped as a whole with `%` for the number:
 *   `{ 'buyer_name_%': 'Buyer % Name' }`. A mapped template column is no longer
 *   recognized under its own name. Default: no mapping.
 * @throws TemplateHeaderError listing every problem when the header is unusable: a
 *   required column (profile_name, customer_code, address_type) is missing, a column
 *   appears twice, there are no price type columns or no address code columns, or the
 *   mapping is invalid. Unknown columns are allowed and reported in `warnings`.
 */
export function parseTemplateHeader(fields: string[], columnMapping: Record<string, string> = {}): TemplateHeader {
  const problems: string[] = [];
  const warnings: string[] = [];
  const mapping = compileMapping(columnMapping, problems);

  const columns = new Map<string, number>();
  const fileColumns = new Map<string, string>();
  const numbers = new Map<TemplateGroup, Set<number>>(GROUPS.map((g) => [g, new Set<number>()]));

  fields.forEach((rawLabel, index) => {
    const label = rawLabel.trim();
    const position = index + 1;
    if (label === '') {
      warnings.push(`column ${position} has no name and is ignored`);
      return;
    }
    const resolved = resolveColumn(label, mapping);
    if (!resolved) {
      const suggestion = closestTemplateColumn(label);
      warnings.push(
        `column ${position} (${label}) is not a template field and is ignored${suggestion ? `; did you mean ${suggestion}?` : ''}`,
      );
      return;
    }
    const earlier = columns.get(resolved.column);
    if (earlier !== undefined) {
      problems.push(`column ${resolved.column} appears more than once (columns ${earlier + 1} and ${position})`);
      return;
    }
    columns.set(resolved.column, index);
    fileColumns.set(resolved.column, label);
    if (resolved.field.group !== undefined && resolved.n !== undefined) numbers.get(resolved.field.group)!.add(resolved.n);
  });

  const describe = (column: string): string => {
    const mapped = Object.entries(columnMapping).find(([k]) => k.trim().toLowerCase() === column);
    return mapped ? `${column} (mapped to ${mapped[1]})` : column;
  };

  if (fields.every((f) => f.trim() === '')) {
    problems.push('the header row is empty');
  } else {
    for (const required of REQUIRED_COLUMNS) {
      if (!columns.has(required)) problems.push(`the header has no ${describe(required)} column`);
    }
    const priceTypes = [...numbers.get('priceType')!].sort((a, b) => a - b);
    if (priceTypes.length === 0) {
      problems.push('the header has no price type columns (price_type_currency_1 and price_type_name_1)');
    }
    for (const n of priceTypes) {
      for (const [column, partner] of [
        [`price_type_currency_${n}`, `price_type_name_${n}`],
        [`price_type_name_${n}`, `price_type_currency_${n}`],
      ] as const) {
        if (columns.has(column) && !columns.has(partner)) {
          problems.push(`the header has ${column} but no ${partner} column`);
        }
      }
    }
    if (numbers.get('billingAddress')!.size === 0 && numbers.get('shippingAddress')!.size === 0) {
      problems.push('the header has no address columns (billing_code_1 or shipping_code_1)');
    }
    // Every address needs its country: an address group without its country column can never be valid.
    for (const prefix of ['billing', 'shipping'] as const) {
      for (const n of numbers.get(`${prefix}Address`)!) {
        if (columns.has(`${prefix}_code_${n}`) && !columns.has(`${prefix}_country_${n}`)) {
          problems.push(`the header has ${prefix}_code_${n} but no ${describe(`${prefix}_country_${n}`)} column`);
        }
      }
    }
    for (const n of numbers.get('buyer')!) {
      if (columns.has(`buyer_name_${n}`) && !columns.has(`buyer_email_${n}`)) {
        warnings.push(`the header has buyer_name_${n} but no buyer_email_${n} column; rows with a buyer_name_${n} will be rejected`);
      }
    }
  }

  if (problems.length > 0) throw new TemplateHeaderError(problems, warnings);

  const groups = Object.fromEntries(
    GROUPS.map((g) => [g, [...numbers.get(g)!].sort((a, b) => a - b)]),
  ) as Record<TemplateGroup, number[]>;
  return { columnCount: fields.length, columns, fileColumns, groups, warnings };
}
