import { checkDuplicates, type DuplicateCheckCounts } from '../activities/check-duplicates.js';
import {
  candidateById,
  decideCandidate,
  listCandidates,
  openCandidateCounts,
  type CandidateCustomer,
  type CandidateFilter,
  type CandidateRow,
} from '../db/repositories/duplicate-candidates.js';
import { customerById, customerIdsAfter } from '../db/repositories/customers.js';
import { activeMergeOfCandidate } from '../db/repositories/customer-merges.js';
import { DUPLICATE_KEY_KINDS, type DuplicateKeyKind, type DuplicateStrength } from '../domain/duplicate-settings.js';
import type { MatchKey } from '../merge/match-keys.js';
import { sideBySide, type ComparedField } from '../merge/side-by-side.js';
import { displayNameOf } from '../domain/customer-display-name.js';
import { OperationError } from '../domain/operation-error.js';
import type { OperationDeps } from './operation-deps.js';
import { ROW_ID } from '../domain/row-id.js';

/** One customer of a pair, as lists show it. */
export interface DuplicateCustomer {
  id: string;
  type: 'PERSON' | 'COMPANY';
  name: string;
  /** `connector:external-id` of the connector that created it. */
  source: string;
}

/** A pair of customers that may be one. */
export interface DuplicateCandidate {
  id: string;
  strength: DuplicateStrength;
  status: CandidateRow['status'];
  /** The keys they share. */
  reasons: MatchKey[];
  /** How alike their names are, 0–1. */
  nameSimilarity: number;
  foundRunId?: string;
  foundAt: string;
  decidedBy?: string;
  decidedAt?: string;
  customers: [DuplicateCustomer, DuplicateCustomer];
}

/** A pair with both customers field by field, each value with its connector. */
export interface DuplicateComparison extends DuplicateCandidate {
  fields: ComparedField[];
  /** The merge in effect that merged the pair (to undo it). */
  mergeId?: string;
}

/** Options of a list of candidates. */
export interface DuplicateListOptions {
  /** Default `open`. */
  status?: CandidateRow['status'];
  strength?: DuplicateStrength;
  /** Pairs with this customer. */
  customerId?: string;
  runId?: string;
  /** The last id of the previous page. */
  after?: string;
  /** Default 50. */
  limit?: number;
}

function candidateOf(row: CandidateRow): DuplicateCandidate {
  const customer = (c: CandidateCustomer): DuplicateCustomer => ({ id: c.id, type: c.type, name: displayNameOf(c.name?.value) || '(no name)', source: `${c.sourceConnector}:${c.sourceId}` });
  return {
    id: row.id,
    strength: row.strength,
    status: row.status,
    reasons: row.reasons,
    nameSimilarity: row.nameSimilarity,
    ...(row.foundRunId ? { foundRunId: row.foundRunId } : {}),
    foundAt: row.foundAt.toISOString(),
    ...(row.decidedBy ? { decidedBy: row.decidedBy } : {}),
    ...(row.decidedAt ? { decidedAt: row.decidedAt.toISOString() } : {}),
    customers: [customer(row.customers[0]), customer(row.customers[1])],
  };
}

/** Open candidate pairs by strength: what waits for the data team. */
export async function openDuplicateCounts({ db }: Pick<OperationDeps, 'db'>): Promise<{ strong: number; weak: number }> {
  return openCandidateCounts(db);
}

/** Candidate pairs, open ones unless another status is asked for, oldest first. */
export async function listDuplicates({ db }: Pick<OperationDeps, 'db'>, options: DuplicateListOptions = {}): Promise<DuplicateCandidate[]> {
  if (options.after !== undefined && !ROW_ID.test(options.after)) throw new OperationError('invalid', `after: "${options.after}" is no candidate id (a number)`);
  const filter: CandidateFilter = { status: options.status ?? 'open', ...(options.strength && { strength: options.strength }), ...(options.customerId && { customerId: options.customerId }), ...(options.runId && { runId: options.runId }) };
  return (await listCandidates(db, filter, options.after, options.limit ?? 50)).map(candidateOf);
}

async function candidate({ db }: Pick<OperationDeps, 'db'>, id: string): Promise<CandidateRow> {
  const row = ROW_ID.test(id) ? await candidateById(db, id) : undefined;
  if (!row) throw new OperationError('not-found', `no duplicate candidate ${id} (custsync duplicates list)`);
  return row;
}

/** One pair, both customers field by field. */
export async function showDuplicate(deps: Pick<OperationDeps, 'db'>, id: string): Promise<DuplicateComparison> {
  const row = await candidate(deps, id);
  const [left, right] = await Promise.all(row.customers.map((c) => customerById(deps.db, c.id)));
  if (!left || !right) throw new OperationError('not-found', `no duplicate candidate ${id}: one of its customers is gone`);
  const mergeId = row.status === 'merged' ? await activeMergeOfCandidate(deps.db, id) : undefined;
  return { ...candidateOf(row), fields: sideBySide(left.merged, right.merged), ...(mergeId && { mergeId }) };
}

/** Remembers that a pair is two customers: it is never proposed again. The first decision wins. */
export async function keepApart(deps: Pick<OperationDeps, 'db'>, id: string, options: { by: string }): Promise<DuplicateCandidate> {
  const row = await candidate(deps, id);
  if (!(await decideCandidate(deps.db, id, 'kept-apart', options.by))) {
    const now = await candidate(deps, id);
    throw new OperationError('conflict', `duplicate candidate ${id} was already decided: ${now.status} by ${now.decidedBy ?? 'someone'} at ${now.decidedAt?.toISOString() ?? '?'}`);
  }
  return candidateOf({ ...row, status: 'kept-apart', decidedBy: options.by, decidedAt: new Date() });
}

/** Progress of a scan: customers checked so far. */
export type ScanProgress = (checked: number, found: number) => void;

/**
 * Checks every customer (not only those runs changed since a flow compares duplicates), a page
 * at a time: what turning the check on for existing customers needs once.
 */
export async function scanDuplicates(
  { db }: Pick<OperationDeps, 'db'>,
  options: { keys?: DuplicateKeyKind[]; pageSize?: number; onProgress?: ScanProgress } = {},
): Promise<DuplicateCheckCounts> {
  const counts: DuplicateCheckCounts = { checked: 0, newCandidates: 0 };
  let after: string | undefined;
  for (;;) {
    const ids = await customerIdsAfter(db, after, options.pageSize ?? 1_000);
    if (ids.length === 0) return counts;
    after = ids.at(-1);
    const page = await checkDuplicates(db, ids, options.keys ?? [...DUPLICATE_KEY_KINDS], null);
    counts.checked += page.checked;
    counts.newCandidates += page.newCandidates;
    options.onProgress?.(counts.checked, counts.newCandidates);
  }
}
