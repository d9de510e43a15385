/**
 * What a source process said, whatever its protocol (Airbyte, Singer): the records of the
 * stream read, its schema, the state to resume from, and lines that were no message (its logs
 * go to `SourceRunOptions.onLog`). Positions are the lines of its stdout, counted from 1.
 */
export type SourceEvent =
  | { kind: 'record'; position: number; data: Record<string, unknown> }
  /** The stream's JSON schema, when the protocol sends it with the records (Singer's SCHEMA). */
  | { kind: 'schema'; schema: Record<string, unknown> }
  /** The state to pass to the next read, as text (what the source last checkpointed). */
  | { kind: 'state'; state: string }
  | { kind: 'garbage'; position: number; line: string; reason: string };

export type SourceLogLevel = 'debug' | 'info' | 'warn' | 'error';

/** A source's log level as custsync's (Airbyte's FATAL/ERROR/WARN/INFO/DEBUG/TRACE, Singer's Python levels). */
export function sourceLogLevel(level: string): SourceLogLevel {
  const upper = level.toUpperCase();
  if (upper === 'FATAL' || upper === 'ERROR' || upper === 'CRITICAL') return 'error';
  if (upper.startsWith('WARN')) return 'warn';
  if (upper === 'DEBUG' || upper === 'TRACE') return 'debug';
  return 'info';
}
