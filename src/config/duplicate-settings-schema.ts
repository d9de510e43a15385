import { z } from 'zod';
import { DUPLICATE_KEY_KINDS } from '../domain/duplicate-settings.js';

/** A flow's (or the API's) check for duplicates across sources (docs/duplicates.md). */
export const duplicateSettingsSchema = z.strictObject({
  /** Keys two customers may share to be proposed as one; default every kind (email, vat, phone, name). */
  keys: z
    .array(z.enum(DUPLICATE_KEY_KINDS))
    .min(1)
    .refine((keys) => new Set(keys).size === keys.length, 'names a key twice')
    .default([...DUPLICATE_KEY_KINDS]),
  /**
   * `strong`: a run merges the strong candidates it finds itself (the customer created first
   * survives; undo with `custsync duplicates unmerge`); `never` (default): every candidate waits
   * for the data team. API writes never merge by themselves.
   */
  autoMerge: z.enum(['strong', 'never']).default('never'),
});

