import { InvalidArgumentError, Option } from 'commander';
import { durationSchema } from '../config/duration.js';
import { DEFAULT_RECONNECT_FOR_MS } from '../operations/follow-run.js';
import { parseListenAddress, type ListenAddress } from '../telemetry/listen-address.js';

/** A positive whole number argument. */
export function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError('must be a positive whole number');
  return n;
}

/** A date and time argument. */
export function isoTime(value: string): Date {
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) throw new InvalidArgumentError('must be a date and time, e.g. 2026-11-01T00:00:00Z');
  return date;
}

/** `--reconnect-for <duration>`: how long a command following a run keeps trying to reach Temporal (default 5m). */
export function reconnectForOption(): Option {
  return new Option('--reconnect-for <duration>', 'while following the run, keep trying to reach Temporal this long (e.g. 30s, 10m)')
    .default(DEFAULT_RECONNECT_FOR_MS, '5m')
    .argParser((value: string) => {
      const parsed = durationSchema.safeParse(value);
      if (!parsed.success) throw new InvalidArgumentError('must be a duration such as 30s, 5m or 1h');
      return parsed.data;
    });
}

/** A `[host]:port`, `host:port` or `:port` argument (where a metrics endpoint listens). */
export function listenAddress(value: string): ListenAddress {
  try {
    return parseListenAddress(value);
  } catch (error) {
    throw new InvalidArgumentError((error as Error).message);
  }
}
