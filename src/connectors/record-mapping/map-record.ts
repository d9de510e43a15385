import { customerRecordSchema } from '../../domain/customer-record-schema.js';
import type { CustomerRecord } from '../../domain/customer-record.js';
import { parseRecordPath, valueAtPath, type RecordPath } from './record-path.js';
import type { RecordMapping, ValueSource } from './record-mapping-schema.js';
import { VALUE_TRANSFORMS } from './value-transforms.js';

/** A source record as a customer record, skipped (the mapping's `skipUnless`), or the field that could not be mapped and why. */
export type MappedRecord =
  | { ok: true; record: CustomerRecord }
  | { ok: false; skipped: true }
  | { ok: false; skipped?: undefined; externalId?: string; field: string; reason: string };

/** A mapping made ready to apply to many records: its paths parsed once. */
export type RecordMapper = (source: unknown) => MappedRecord;

type Resolve = (scope: unknown) => unknown;

/** Prepares a mapping (see `recordMappingSchema`) to map a stream's records one by one. */
export function recordMapper(mapping: RecordMapping): RecordMapper {
  const externalId = resolver(mapping.externalId);
  const changedAt = mapping.changedAt && resolver(mapping.changedAt);
  const type = mapping.type === 'PERSON' || mapping.type === 'COMPANY' ? constant(mapping.type) : mapping.type && resolver(mapping.type);
  const name = mapping.name && fieldsResolver(mapping.name);
  const addresses = mapping.addresses?.map((m) => listResolver(m));
  const contactPersons = mapping.contactPersons?.map((m) => listResolver(m));
  const contactDetails = mapping.contactDetails?.map(({ kind, ...m }) => listResolver({ ...m, kind: { const: kind } }));
  const attributes = mapping.attributes && Object.entries(mapping.attributes).map(([key, source]) => [key, resolver(source)] as const);
  const parent = mapping.relations && resolver(mapping.relations.parentExternalId);
  const required = mapping.skipUnless === undefined ? undefined : pathResolver(mapping.skipUnless);

  return (source) => {
    if (required && absent(required(source))) return { ok: false, skipped: true };
    const id = externalId(source);
    const mapped: Record<string, unknown> = { externalId: idText(id) };
    if (type) setIfPresent(mapped, 'type', type(source));
    if (changedAt) setIfPresent(mapped, 'changedAt', isoTimeOf(changedAt(source)));
    if (name) {
      const value = name(source);
      if (Object.keys(value).length > 0) mapped.name = value;
    }
    if (addresses) mapped.addresses = addresses.flatMap((items) => items(source));
    if (contactPersons) mapped.contactPersons = contactPersons.flatMap((items) => items(source));
    if (contactDetails) mapped.customerContactDetails = contactDetails.flatMap((items) => items(source));
    if (attributes) {
      mapped.customerAttributes = attributes.flatMap(([key, value]) => {
        const resolved = value(source);
        return resolved === undefined ? [] : [{ key, value: resolved }];
      });
    }
    if (parent) {
      const parentId = parent(source);
      mapped.relations = parentId === undefined ? {} : { parentExternalId: idText(parentId) };
    }
    const parsed = customerRecordSchema.safeParse(mapped);
    if (parsed.success) return { ok: true, record: parsed.data };
    const issue = parsed.error.issues[0]!;
    const field = issue.path.join('.') || 'record';
    return { ok: false, ...(typeof mapped.externalId === 'string' ? { externalId: mapped.externalId } : {}), field, reason: `${field}: ${issue.message}` };
  };
}

/** An id a source gives as a number (a database key), as the text ids are; anything else is left for the schema to judge. */
const idText = (id: unknown): unknown => (typeof id === 'number' ? String(id) : id);

/** A change time as ISO 8601 (epoch milliseconds and parsable text read as times); what cannot be read is left for the schema to refuse. */
function isoTimeOf(value: unknown): unknown {
  if (typeof value !== 'number' && typeof value !== 'string') return value;
  const time = new Date(value);
  return Number.isNaN(time.getTime()) ? value : time.toISOString();
}

/** A value that says nothing: the field is left out. */
const absent = (value: unknown): boolean => value === undefined || value === null || value === '';

const constant =
  (value: unknown): Resolve =>
  () =>
    value;

function setIfPresent(target: Record<string, unknown>, key: string, value: unknown): void {
  if (!absent(value)) target[key] = value;
}

function resolver(source: ValueSource): Resolve {
  if (typeof source === 'string') return pathResolver(source);
  if ('const' in source) return constant(source.const);
  if ('join' in source) {
    const parts = source.join.map((part) => (typeof part === 'string' ? pathResolver(part) : resolver(part)));
    return (scope) => {
      const present = parts.map((part) => part(scope)).filter((value) => !absent(value));
      return present.length === 0 ? undefined : present.map(String).join(source.separator);
    };
  }
  const read = pathResolver(source.path);
  const steps = (source.transform ?? []).map((name) => VALUE_TRANSFORMS[name]);
  const table = source.values;
  return (scope) => {
    let value = read(scope);
    for (const step of steps) value = step(value);
    if (table && !absent(value)) value = Object.hasOwn(table, String(value)) ? table[String(value)] : undefined;
    return absent(value) ? undefined : value;
  };
}

function pathResolver(text: string): Resolve {
  const path: RecordPath = parseRecordPath(text);
  return (scope) => {
    const value = valueAtPath(scope, path);
    return absent(value) ? undefined : value;
  };
}

/** An object of the fields that resolve to a value (those that do not are left out). */
function fieldsResolver(fields: Record<string, ValueSource | undefined>): (scope: unknown) => Record<string, unknown> {
  const resolvers = Object.entries(fields).flatMap(([key, source]) => (source === undefined ? [] : [[key, resolver(source)] as const]));
  return (scope) => {
    const out: Record<string, unknown> = {};
    for (const [key, resolve] of resolvers) setIfPresent(out, key, resolve(scope));
    return out;
  };
}

/**
 * The items one list mapping makes: one per element of its `from` array (none when the record
 * has no such array), or one from the record itself; an item with no field but its constants is left out.
 */
function listResolver(mapping: { from?: string | undefined } & Record<string, ValueSource | string | undefined>): (scope: unknown) => Record<string, unknown>[] {
  const { from, ...fields } = mapping;
  const constants = new Set(Object.entries(fields).flatMap(([key, source]) => (typeof source === 'object' && 'const' in source ? [key] : [])));
  const item = fieldsResolver(fields);
  const made = (scope: unknown): Record<string, unknown>[] => {
    const value = item(scope);
    return Object.keys(value).some((key) => !constants.has(key)) ? [value] : [];
  };
  if (from === undefined) return made;
  const path = parseRecordPath(from);
  return (scope) => {
    const list = valueAtPath(scope, path);
    return Array.isArray(list) ? list.flatMap(made) : [];
  };
}
