/** Arrays up to this length are sorted by insertion, in place: `Array.prototype.sort` copies the array first. */
const INSERTION_SORT_MAX = 32;

/**
 * An object's own enumerable keys in sorted order (by UTF-16 code unit, as `Array.prototype.sort`
 * sorts strings). Merging asks this of every value it normalizes or hashes, so the few keys an
 * object has are sorted without allocating, and keys already in order are left as they are.
 */
export function sortedKeys(object: object): string[] {
  const keys = Object.keys(object);
  if (keys.length > INSERTION_SORT_MAX) return keys.sort();
  for (let i = 1; i < keys.length; i++) {
    const key = keys[i]!;
    let j = i - 1;
    while (j >= 0 && keys[j]! > key) {
      keys[j + 1] = keys[j]!;
      j--;
    }
    keys[j + 1] = key;
  }
  return keys;
}
