import type { DuplicateKeyKind } from './duplicate-settings.js';

/**
 * Why two customers may be one, in words: `email jane@acme.example, similar name (92%) in
 * zip:US:10010`. A name key's value is its block (the place, then the name's first letters).
 */
export function describeDuplicateReasons(pair: { reasons: readonly { kind: DuplicateKeyKind; value: string }[]; nameSimilarity: number }): string {
  return pair.reasons
    .map((r) => (r.kind === 'name' ? `similar name (${Math.round(pair.nameSimilarity * 100)}%) in ${r.value.split('|')[0]}` : `${r.kind} ${r.value}`))
    .join(', ');
}
