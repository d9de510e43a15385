import { parseRecordPath } from './record-path.js';
import type { RecordMapping, ValueSource } from './record-mapping-schema.js';

/** A JSON schema as sources declare their streams (`discover`, Singer's SCHEMA): the parts a path walks. */
interface StreamSchema {
  type?: string | string[];
  properties?: Record<string, StreamSchema>;
  additionalProperties?: boolean | StreamSchema;
  items?: StreamSchema | StreamSchema[];
  anyOf?: StreamSchema[];
  oneOf?: StreamSchema[];
  allOf?: StreamSchema[];
}

/** A mapping path the stream's schema does not have: where in the mapping, and what is wrong. */
export interface MappingPathProblem {
  field: string;
  message: string;
}

/**
 * The paths of a mapping that the stream's JSON schema says its records cannot have (checked
 * at `config check`, before any run): a path must name properties the schema lists, except
 * below an object that lists none.
 */
export function mappingPathProblems(mapping: RecordMapping, schema: unknown, stream: string): MappingPathProblem[] {
  const problems: MappingPathProblem[] = [];
  const check = (field: string, path: string, within: StreamSchema | undefined): StreamSchema | undefined => {
    const found = walk(within, parseRecordPath(path));
    if (found.missing !== undefined) {
      const known = found.known.length > 0 ? ` (there: ${found.known.slice(0, 12).join(', ')}${found.known.length > 12 ? ', …' : ''})` : '';
      problems.push({ field, message: `stream ${stream} has no ${found.missing} in ${path}${known}` });
    }
    return found.schema;
  };
  const source = (field: string, value: ValueSource | undefined, within: StreamSchema | undefined): void => {
    if (value === undefined) return;
    if (typeof value === 'string') check(field, value, within);
    else if ('path' in value) check(`${field}.path`, value.path, within);
    else if ('join' in value) value.join.forEach((part, i) => source(`${field}.join.${i}`, part, within));
  };
  const fields = (field: string, values: object, within: StreamSchema | undefined): void => {
    for (const [key, value] of Object.entries(values)) if (key !== 'from' && key !== 'kind') source(`${field}.${key}`, value as ValueSource, within);
  };
  const lists = (field: string, list: readonly ({ from?: string | undefined } & object)[] | undefined, root: StreamSchema): void => {
    list?.forEach((item, i) => {
      const within = item.from === undefined ? root : elementOf(check(`${field}.${i}.from`, item.from, root));
      fields(`${field}.${i}`, item, within);
    });
  };
  const root = schema as StreamSchema;
  source('mapping.externalId', mapping.externalId, root);
  if (typeof mapping.type === 'object' || (typeof mapping.type === 'string' && mapping.type !== 'PERSON' && mapping.type !== 'COMPANY')) source('mapping.type', mapping.type, root);
  if (mapping.name) fields('mapping.name', mapping.name, root);
  lists('mapping.addresses', mapping.addresses, root);
  lists('mapping.contactPersons', mapping.contactPersons, root);
  lists('mapping.contactDetails', mapping.contactDetails, root);
  for (const [key, value] of Object.entries(mapping.attributes ?? {})) source(`mapping.attributes.${key}`, value, root);
  if (mapping.relations) source('mapping.relations.parentExternalId', mapping.relations.parentExternalId, root);
  return problems;
}

/** The schema at the end of a path; `missing` names the first key the schema cannot have. */
function walk(schema: StreamSchema | undefined, path: readonly string[]): { schema?: StreamSchema; missing?: string; known: string[] } {
  let current = schema;
  for (const key of path) {
    if (current === undefined) return { known: [] };
    const branches = alternatives(current);
    const next = branches.flatMap((branch) => {
      if (branch.properties && Object.hasOwn(branch.properties, key)) return [branch.properties[key]!];
      if (Array.isArray(branch.items) || (branch.items && /^(0|[1-9]\d*)$/.test(key))) return [Array.isArray(branch.items) ? branch.items[Number(key)] : branch.items];
      return [];
    });
    if (next.length > 0) {
      current = next[0];
      continue;
    }
    if (branches.some((branch) => openTo(branch))) return { known: [] };
    return { missing: `'${key}'`, known: branches.flatMap((branch) => Object.keys(branch.properties ?? {})) };
  }
  return current ? { schema: current, known: [] } : { known: [] };
}

/** A schema's alternatives (anyOf, oneOf, allOf, or itself). */
function alternatives(schema: StreamSchema): StreamSchema[] {
  const list = [...(schema.anyOf ?? []), ...(schema.oneOf ?? []), ...(schema.allOf ?? [])];
  if (list.length === 0) return [schema];
  const own = schema.type !== undefined || schema.properties !== undefined || schema.items !== undefined;
  return [...(own ? [schema] : []), ...list.flatMap(alternatives)];
}

/**
 * Whether any key may follow: an object schema that lists no properties, or types the ones it
 * does not list. Sources mostly add `additionalProperties: true` to every stream; a key not
 * listed beside it is then far more likely a typo than a property, and is refused.
 */
function openTo(schema: StreamSchema): boolean {
  const types = Array.isArray(schema.type) ? schema.type : schema.type === undefined ? [] : [schema.type];
  if (types.length > 0 && !types.includes('object')) return false;
  if (typeof schema.additionalProperties === 'object') return true;
  return schema.properties === undefined && schema.additionalProperties !== false && schema.items === undefined;
}

function elementOf(schema: StreamSchema | undefined): StreamSchema | undefined {
  if (schema === undefined) return undefined;
  for (const branch of alternatives(schema)) if (branch.items && !Array.isArray(branch.items)) return branch.items;
  return undefined;
}
