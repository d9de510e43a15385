import { InputError } from '../connectors/input-error.js';
import { RetryLaterError } from '../connectors/retry-later-error.js';
import {
  duePushes,
  pushBacklog,
  queuePushes,
  relativesKnownTo,
  settlePushes,
  type DuePush,
  type PushOutcome,
  type SettledPush,
} from '../db/repositories/customer-pushes.js';
import { loadOutboundCustomers } from '../db/repositories/outbound-customers.js';
import type { OutboundCustomer } from '../domain/outbound-customer.js';
import type { ActivityDeps } from './activity-deps.js';
import { groupCommit } from './group-commit.js';
import { heartbeat } from './heartbeat.js';

export interface PushPendingInput {
  target: string;
  /** Customers pushed per call; default 200. */
  limit?: number;
  /** Pushes in flight at once; default 8 (the config's `push.concurrency`). */
  concurrency?: number;
  /** Attempts of a push that keeps failing on transient errors before it is given up; default 8. */
  maxAttempts?: number;
}

export interface PushPendingResult {
  pushed: number;
  failed: number;
  /** Pushes still due now (more than one call takes). */
  due: number;
  /** When the next push that backs off is due. */
  nextInMs?: number;
}

/** The ids in the target a customer's relations name, as one comparable string. */
const relationIds = (c: OutboundCustomer) => `${c.parentExternalId ?? ''}|${[...(c.childExternalIds ?? [])].sort().join(',')}`;

/** Backoff of a transiently failing push: 1 s, 2 s, 4 s, … up to 5 minutes. */
export function pushBackoffMs(attempts: number): number {
  return Math.min(1_000 * 2 ** attempts, 300_000);
}

/**
 * Pushes the target's due customers, a few at a time (`concurrency`), each in its latest state: created there
 * when it has no external id for the target (the id returned is stored), updated
 * otherwise. A 429 waits for Retry-After, other transient failures back off, a refused
 * push (4xx) fails at once; every outcome is recorded per customer. A customer created in
 * the target queues its parent and sub-departments the target has, so their relations
 * name it whatever order they were pushed in. The batch's customers are read together,
 * and outcomes are recorded in groups while the next pushes are in flight. Idempotent: a
 * customer is pushed until its latest change is recorded as pushed, and a create the target
 * already has (its answer lost) becomes an update.
 */
export function pushPendingActivity({ db, connectors, notifier, metrics }: ActivityDeps) {
  return async function pushPending(input: PushPendingInput): Promise<PushPendingResult> {
    const connector = connectors(input.target);
    if (!connector.push) throw new InputError(`connector ${input.target} (${connector.type}) cannot push customers`);
    const maxAttempts = input.maxAttempts ?? 8;
    const runId = `push/${input.target}`;
    let pushed = 0;
    let failed = 0;
    let lastError = '';
    const batch = await duePushes(db, input.target, input.limit ?? 200);
    const customers = await loadOutboundCustomers(
      db,
      batch.map((d) => d.customer_id),
      input.target,
    );
    const recorder = groupCommit<SettledPush & { seconds: number }>(async (group) => {
      await settlePushes(db, input.target, group, runId);
      for (const { outcome, seconds } of group) metrics.pushSettled(input.target, outcome.kind, seconds);
      const done = group.filter((s) => s.outcome.kind === 'pushed').map((s) => s.due.customer_id);
      // Relatives pushed before these customers existed in the target get their relation to them now.
      const again = await relativesKnownTo(
        db,
        input.target,
        group.filter((s) => s.outcome.kind === 'pushed' && s.outcome.action === 'created').map((s) => s.due.customer_id),
      );
      // A relative created in the target while a push was in flight: push that one again, naming it.
      const related = done.filter((id) => hasRelations(customers.get(id)!));
      if (related.length > 0) {
        const now = await loadOutboundCustomers(db, related, input.target);
        for (const id of related) if (now.has(id) && relationIds(now.get(id)!) !== relationIds(customers.get(id)!)) again.push(id);
      }
      await queuePushes(db, input.target, [...new Set(again)], runId);
      heartbeat({ pushed, failed });
    });
    const pushOne = async (due: DuePush) => {
      let outcome: PushOutcome;
      const started = performance.now();
      const customer = customers.get(due.customer_id);
      if (!customer) {
        outcome = { kind: 'skipped', reason: 'deleted before it was pushed' };
      } else {
        try {
          const result = await connector.push!(customer);
          outcome = { kind: 'pushed', ...result };
          pushed++;
        } catch (error) {
          const message = (error as Error).message;
          if (error instanceof InputError) outcome = { kind: 'failed', error: message };
          else if (due.attempts + 1 >= maxAttempts) outcome = { kind: 'failed', error: `${message} (gave up after ${maxAttempts} attempts)` };
          else if (error instanceof RetryLaterError) outcome = { kind: 'retry', afterMs: error.retryAfterMs, error: message };
          else outcome = { kind: 'retry', afterMs: pushBackoffMs(due.attempts), error: message };
          if (outcome.kind === 'failed') {
            failed++;
            lastError = outcome.error;
          }
        }
      }
      recorder.add({ due, outcome, seconds: (performance.now() - started) / 1_000 });
    };
    let next = 0;
    const lane = async () => {
      while (next < batch.length && !recorder.failed) await pushOne(batch[next++]!);
    };
    await Promise.all(Array.from({ length: Math.min(input.concurrency ?? 8, batch.length) }, lane));
    await recorder.settled();
    if (failed > 0) await notifier.pushesFailed(input.target, failed, lastError);
    return { pushed, failed, ...(await pushBacklog(db, input.target)) };
  };
}

/** Whether a customer's push names relatives in the target (or could have). */
const hasRelations = (c: OutboundCustomer) => c.parentExternalId !== undefined || c.isParentCompany === true || Boolean(c.relations?.parentExternalId);
