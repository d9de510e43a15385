import type { z } from 'zod';

/** One line of a source process's output: a protocol message, or why it is not one. */
export type ProtocolLine<Message> = { ok: true; message: Message } | { ok: false; reason: string };

/** Reads one line of a source process's stdout as a message of its protocol (`what`: "an Airbyte message", say). */
export function parseProtocolLine<Schema extends z.ZodType>(line: string, schema: Schema, what: string): ProtocolLine<z.output<Schema>> {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return { ok: false, reason: 'not JSON' };
  }
  const parsed = schema.safeParse(value);
  if (parsed.success) return { ok: true, message: parsed.data };
  const issue = parsed.error.issues[0];
  return { ok: false, reason: `not ${what}: ${issue ? `${issue.path.join('.') || 'message'}: ${issue.message}` : 'unknown shape'}` };
}
