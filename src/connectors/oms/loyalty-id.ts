import type { OmsExternalId } from './oms-customer-schema.js';

/**
 * The keys a loyalty id is looked for under, in order: the configured key, then
 * `Voyado`, `VoyadoContactId` and `{marketGroupId}_VoyadoContactId`.
 */
export function loyaltyIdKeys(configuredKey: string | undefined, marketGroupId: string | undefined): string[] {
  const keys = [configuredKey, 'Voyado', 'VoyadoContactId', marketGroupId ? `${marketGroupId}_VoyadoContactId` : undefined];
  return [...new Set(keys.filter((k): k is string => k !== undefined))];
}

/** The customer's loyalty id: the first of its external ids, in key order, that has a value. */
export function resolveLoyaltyId(externalIds: readonly OmsExternalId[] | null | undefined, keys: readonly string[]): string | undefined {
  for (const key of keys) {
    const found = externalIds?.find((e) => e.providerName === key && e.id.trim() !== '');
    if (found) return found.id.trim();
  }
  return undefined;
}
