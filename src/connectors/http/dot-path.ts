import { parseRecordPath, valueAtPath } from '../record-mapping/record-path.js';

/**
 * The value at a dot path (`address.city`, `items.0.id`) or JSON pointer, read as record
 * mappings read it: own keys only, array elements by index; undefined when missing. `''` is the
 * value itself.
 */
export function valueAt(value: unknown, path: string): unknown {
  return valueAtPath(value, parseRecordPath(path));
}

/** Sets the value at a dot path, creating objects on the way. */
export function setValueAt(target: Record<string, unknown>, path: string, value: unknown): void {
  const keys = path.split('.');
  let current = target;
  for (const key of keys.slice(0, -1)) {
    const next = current[key];
    current = next !== null && typeof next === 'object' ? (next as Record<string, unknown>) : (current[key] = {});
  }
  current[keys.at(-1)!] = value;
}
