import {
  claimIdempotencyKey,
  forgetIdempotentAnswers,
  releaseIdempotencyKey,
  storeIdempotentAnswer,
  type StoredAnswer,
} from '../../db/repositories/idempotent-requests.js';
import type { OperationDeps } from '../operation-deps.js';

export type { StoredAnswer };

/** An answer as an idempotent request stores and replays it. */
export interface IdempotentAnswer {
  status: number;
  headers: Record<string, string>;
  body: unknown;
}

/** Claims a token's idempotency key for a request: undefined when it is the first, else what the first stored. */
export function claimAnswer({ db }: Pick<OperationDeps, 'db'>, token: string, key: string, requestHash: string): Promise<StoredAnswer | undefined> {
  return claimIdempotencyKey(db, token, key, requestHash);
}

/** Stores the answer to a claimed key. */
export function storeAnswer({ db }: Pick<OperationDeps, 'db'>, token: string, key: string, answer: IdempotentAnswer): Promise<void> {
  return storeIdempotentAnswer(db, token, key, answer);
}

/** Gives a claimed key up (its request failed before it changed anything). */
export function releaseClaim({ db }: Pick<OperationDeps, 'db'>, token: string, key: string): Promise<void> {
  return releaseIdempotencyKey(db, token, key);
}

/** Forgets answers older than the config's `api.idempotencyDays`; how many. */
export function forgetExpiredAnswers({ db, config }: Pick<OperationDeps, 'db' | 'config'>): Promise<number> {
  return forgetIdempotentAnswers(db, config.api.idempotencyDays);
}
