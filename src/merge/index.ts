export { canonicalJson, contentHash, hashOfCanonicalJson, valuesHash } from './content-hash.js';
export { combineFragments } from './combine-fragments.js';
export { diffCustomers, type CustomerDiff } from './diff-customers.js';
export { emptyItems } from './empty-items.js';
export { itemKey, normalizeContactValue, normalizeEmail, normalizePhone } from './item-key.js';
export { MergeConflictError } from './merge-conflict-error.js';
export { mergeCustomer } from './merge-customer.js';
export { newCustomerId } from './new-customer-id.js';
export type {
  MergedCustomer,
  MergedItem,
  MergedItems,
  MergedValue,
  Provenance,
  StepContribution,
} from './merged-customer.js';
export { normalizeValue, sameValue } from './normalize-value.js';
export { mergedValues } from './merged-values.js';
export { isMatchBy, matcherOf, MATCH_BY_NAMES, MATCHERS, type Matcher, type MatchBy, type MatchLookup } from './match-by.js';
export { patchedAspects, recordFromPatch, type AspectPatch } from './patch-aspects.js';
export { connectorAttributesWith } from './connector-attributes.js';
export {
  planChunkMerge,
  type ChunkMergeInput,
  type ChunkMergePlan,
  type ChunkPreview,
  type ChunkReject,
  type CustomerChange,
  type HeldNewCustomer,
  type StagedFragment,
  type StoredCustomerState,
} from './chunk-merge-plan.js';
export { inputHashOf, jsonbText, recordHash, recordTextAndHash } from './record-hash.js';
export { stepsSignature } from './steps-signature.js';
