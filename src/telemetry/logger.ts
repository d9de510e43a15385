import { pino, type Logger, type LoggerOptions } from 'pino';
import pretty from 'pino-pretty';

/** Options for {@link createLogger}. */
export interface LogOptions {
  /** Lowest level written; default `CUSTSYNC_LOG_LEVEL`, else `info`. */
  level?: string;
  /** `json` (one object a line) or `pretty` (readable text); default `CUSTSYNC_LOG_FORMAT`, else pretty when stderr is a terminal. */
  format?: 'json' | 'pretty';
  /** Values never written (secrets read from the environment): each is replaced by `[redacted]` wherever it appears; default none. */
  secrets?: Iterable<string>;
  /** File descriptor written to; default 2 (stderr: standard output stays for results). */
  fd?: number;
}

/** Field names whose values are never logged, at any depth the paths reach. */
export const REDACTED_FIELDS = [
  'password',
  'token',
  'secret',
  'apiKey',
  'authorization',
  'cookie',
  'sessionKey',
  'email',
  'phone',
] as const;

const REDACT_PATHS = REDACTED_FIELDS.flatMap((f) => [f, `*.${f}`, `*.*.${f}`, `req.headers.${f}`, `res.headers["set-cookie"]`]);

/** Shortest secret value masked in the text: shorter ones would mask ordinary words. */
const SHORTEST_MASKED = 6;

const escapeJson = (value: string) => JSON.stringify(value).slice(1, -1);

/**
 * The process's logger: JSON lines with `level`, `time` and the fields each line names, or readable
 * text on a terminal. Fields named like secrets or contact details are redacted, and the
 * values in `secrets` are masked wherever they appear, messages included.
 */
export function createLogger(options: LogOptions = {}): Logger {
  const format = options.format ?? logFormatFromEnvironment();
  const masked = [...new Set(options.secrets ?? [])].filter((s) => s.length >= SHORTEST_MASKED).flatMap((s) => [...new Set([s, escapeJson(s)])]);
  const settings: LoggerOptions = {
    level: options.level ?? (process.env.CUSTSYNC_LOG_LEVEL?.toLowerCase() || 'info'),
    base: { pid: process.pid },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
    redact: { paths: [...new Set(REDACT_PATHS)], censor: '[redacted]' },
    hooks: {
      streamWrite: (line) => masked.reduce((text, secret) => text.split(secret).join('[redacted]'), line),
    },
  };
  const fd = options.fd ?? 2;
  if (format === 'pretty') return pino(settings, pretty({ destination: fd, sync: true, colorize: true, ignore: 'pid,hostname' }));
  return pino(settings, pino.destination({ fd, sync: true }));
}

function logFormatFromEnvironment(): 'json' | 'pretty' {
  const chosen = process.env.CUSTSYNC_LOG_FORMAT?.toLowerCase();
  if (chosen === 'json' || chosen === 'pretty') return chosen;
  return process.stderr.isTTY ? 'pretty' : 'json';
}
