import type { SourceLogLevel } from './source-events.js';

/** The level of a line a source process writes to stderr (Python's logging names it); info when it names none. */
export function stderrLogLevel(line: string): SourceLogLevel {
  if (/\b(ERROR|CRITICAL|FATAL)\b/.test(line) || line.startsWith('Traceback')) return 'error';
  if (/\bWARN(ING)?\b/.test(line)) return 'warn';
  if (/\bDEBUG\b/.test(line)) return 'debug';
  return 'info';
}
