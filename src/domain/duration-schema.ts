import { z } from 'zod';
import { DURATION_UNITS as UNITS } from './format-duration.js';

export { formatDuration } from './format-duration.js';

/**
 * A duration written as a number and a unit (`90s`, `15m`, `24h`, `30d`, `500ms`),
 * parsed to milliseconds. Small enough that a library would add more than it saves.
 */
export const durationSchema = z
  .string()
  .regex(/^\d+(\.\d+)?\s*(ms|s|m|h|d)$/, 'use a number and a unit: ms, s, m, h or d (e.g. 90s, 15m, 24h, 30d)')
  .transform((text) => {
    const [, amount, unit] = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)$/.exec(text)!;
    return Math.round(Number(amount) * UNITS[unit!]!);
  });
