/** The value at a dot path (`address.city`), or undefined; `''` is the value itself. */
export function valueAt(value: unknown, path: string): unknown {
  if (path === '') return value;
  let current = value;
  for (const key of path.split('.')) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
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
