import { LATEST_CONNECTOR_ASPECTS, MULTIPLE_ASPECTS, type AspectValues, type CustomerRecord } from '../domain/customer-record.js';
import type { MergedCustomer } from './merged-customer.js';
import { mergedValues } from './merged-values.js';

/**
 * A JSON merge patch (RFC 7396) of a customer's aspects: an object aspect (`name`,
 * `relations`) is merged field by field, `null` removing a field; a list aspect is replaced
 * whole, `null` meaning an empty list. Aspects the patch leaves out are not touched.
 */
export type AspectPatch = {
  [A in keyof AspectValues]?: (AspectValues[A] extends unknown[] ? AspectValues[A] : { [K in keyof AspectValues[A]]?: AspectValues[A][K] | null }) | null;
} & { type?: CustomerRecord['type'] };

/**
 * The record a writer's patch amounts to: for each aspect the patch names, the customer's
 * current values with the patch applied. Merging it from the writer's connector changes
 * exactly those aspects, by the usual merge rules.
 */
export function recordFromPatch(current: MergedCustomer, externalId: string, patch: AspectPatch): CustomerRecord {
  const values = mergedValues(current);
  const record: CustomerRecord = { externalId, ...(patch.type !== undefined ? { type: patch.type } : {}) };
  for (const aspect of LATEST_CONNECTOR_ASPECTS) {
    if (!(aspect in patch)) continue;
    const change = patch[aspect];
    const merged: Record<string, unknown> = change === null ? {} : { ...(values[aspect] ?? {}) };
    for (const [field, value] of Object.entries(change ?? {})) {
      if (value === null) delete merged[field];
      else if (value !== undefined) merged[field] = value;
    }
    (record as Record<string, unknown>)[aspect] = merged;
  }
  for (const aspect of MULTIPLE_ASPECTS) {
    if (!(aspect in patch)) continue;
    (record as Record<string, unknown>)[aspect] = patch[aspect] ?? [];
  }
  return record;
}

/** The aspects a patch names. */
export function patchedAspects(patch: AspectPatch): (keyof AspectValues)[] {
  return [...LATEST_CONNECTOR_ASPECTS, ...MULTIPLE_ASPECTS].filter((aspect) => aspect in patch);
}
