import pg from 'pg';

/** Time spent in one kind of statement. */
export interface SqlTraceEntry {
  /** The statement's text, whitespace collapsed, cut to 120 characters. */
  statement: string;
  calls: number;
  totalMs: number;
  maxMs: number;
  /** Bytes of parameters sent (strings and JSON), summed. */
  paramBytes: number;
}

const entries = new Map<string, SqlTraceEntry>();
let installed = false;

function statementText(arg: unknown): string {
  const text = typeof arg === 'string' ? arg : (arg as { text?: unknown } | null)?.text;
  return typeof text === 'string' ? text.replace(/\s+/g, ' ').trim().slice(0, 120) : '(submittable)';
}

function paramBytes(values: unknown): number {
  if (!Array.isArray(values)) return 0;
  let n = 0;
  for (const v of values) if (typeof v === 'string') n += v.length;
  return n;
}

/**
 * Times every promise-returning `pg` query of this process by statement text.
 * Call before the first connection is made; {@link sqlTraceReport} returns the totals.
 */
export function installSqlTrace(): void {
  if (installed) return;
  installed = true;
  type Query = (...args: unknown[]) => unknown;
  const proto = pg.Client.prototype as unknown as { query: Query };
  const original = proto.query;
  proto.query = function traced(this: unknown, ...args: unknown[]): unknown {
    const result = original.apply(this, args);
    if (!result || typeof (result as Promise<unknown>).then !== 'function') return result;
    const started = performance.now();
    const statement = statementText(args[0]);
    const bytes = paramBytes(args[1] ?? (args[0] as { values?: unknown } | null)?.values);
    const done = (): void => {
      const ms = performance.now() - started;
      let entry = entries.get(statement);
      if (!entry) entries.set(statement, (entry = { statement, calls: 0, totalMs: 0, maxMs: 0, paramBytes: 0 }));
      entry.calls++;
      entry.totalMs += ms;
      entry.maxMs = Math.max(entry.maxMs, ms);
      entry.paramBytes += bytes;
    };
    (result as Promise<unknown>).then(done, done);
    return result;
  };
}

/** Traced statements since the last call, most total time first; the totals start again from zero. */
export function takeSqlTrace(): SqlTraceEntry[] {
  const report = [...entries.values()].sort((a, b) => b.totalMs - a.totalMs);
  entries.clear();
  return report;
}
