/**
 * Where a value is in a source record: a JSON pointer (`/properties/email`, RFC 6901, `~1`
 * for `/` and `~0` for `~` in a key) or a dotted path (`properties.email`). Array elements are
 * addressed by index (`/addresses/0/city`, `addresses.0.city`).
 */
export type RecordPath = readonly string[];

/** The keys of a path as written in a mapping; `''` and `/` are the record itself. */
export function parseRecordPath(text: string): RecordPath {
  if (text === '' || text === '/') return [];
  if (text.startsWith('/')) return text.slice(1).split('/').map((key) => key.replaceAll('~1', '/').replaceAll('~0', '~'));
  return text.split('.');
}

/** The value at the path, or undefined when any key on the way is missing. */
export function valueAtPath(value: unknown, path: RecordPath): unknown {
  let current = value;
  for (const key of path) {
    if (current === null || typeof current !== 'object') return undefined;
    if (Array.isArray(current)) {
      if (!/^(0|[1-9]\d*)$/.test(key)) return undefined;
      current = current[Number(key)];
    } else {
      if (!Object.hasOwn(current, key)) return undefined;
      current = (current as Record<string, unknown>)[key];
    }
  }
  return current;
}
