/** How an enrichment step's records find their customer (a flow step's `matchBy`; the matchers are in `src/merge/match-by.ts`). */
export type MatchBy = 'sourceId' | 'externalId' | 'email' | 'vatNumber' | `attribute:${string}`;

/** Where a record's match key is looked up among the stored customers. */
export type MatchLookup =
  | { type: 'source-id' }
  | { type: 'external-id' }
  | { type: 'contact-detail'; kind: 'email' }
  | { type: 'attribute'; key: string };
