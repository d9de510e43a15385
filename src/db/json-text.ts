/**
 * JSON text already written (a merged customer's canonical JSON, made for its content hash),
 * carried in a row so it is sent as it is instead of being serialized a second time.
 * `JSON.stringify` still writes it correctly (through `toJSON`), only more slowly.
 */
export class JsonText {
  constructor(readonly text: string) {}

  toJSON(): unknown {
    return JSON.parse(this.text);
  }
}

/**
 * A JSON array of flat rows, as `JSON.stringify(rows)` would write it, except that a
 * {@link JsonText} value is written as its text.
 */
export function rowsJson(rows: readonly Record<string, unknown>[]): string {
  let out = '[';
  for (let r = 0; r < rows.length; r++) {
    const row = rows[r]!;
    let fields = '';
    for (const key in row) {
      const value = row[key];
      if (value === undefined) continue;
      const text = value instanceof JsonText ? value.text : JSON.stringify(value);
      if (text === undefined) continue;
      fields += `${fields === '' ? '' : ','}${JSON.stringify(key)}:${text}`;
    }
    out += `${r === 0 ? '' : ','}{${fields}}`;
  }
  return `${out}]`;
}
