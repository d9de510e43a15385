/** A kind of key two customers may share that hints they are one (see docs/duplicates.md). */
export const DUPLICATE_KEY_KINDS = ['email', 'vat', 'phone', 'name'] as const;
export type DuplicateKeyKind = (typeof DUPLICATE_KEY_KINDS)[number];

/** How sure a shared key makes the guess: `strong` for an email or VAT number, `weak` for the rest. */
export type DuplicateStrength = 'strong' | 'weak';

/** A flow's `duplicates` setting: which keys it compares the customers a run changed by. */
export interface DuplicateSettings {
  /** The keys compared; default every kind. */
  keys: DuplicateKeyKind[];
  /** `strong`: a strong candidate is merged without review; `never` (default): every candidate waits for the data team. */
  autoMerge: 'strong' | 'never';
}
