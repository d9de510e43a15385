import { claimOrderEvents } from '../db/repositories/order-events.js';
import type { OrderEvent } from '../domain/order-event.js';
import type { ActivityDeps } from './activity-deps.js';

export interface ClaimOrderEventsInput {
  connector: string;
  externalId: string;
  events: OrderEvent[];
  /** The run that will sync the customer for them. */
  runId: string;
}

/** Records order events as handled by a run; returns the event ids new to it (the rest are repeats). */
export function claimOrderEventsActivity({ db }: ActivityDeps) {
  return async function claimOrderEventsForRun(input: ClaimOrderEventsInput): Promise<string[]> {
    const claimed = await claimOrderEvents(db, input.events, input, input.runId);
    return claimed.map((e) => e.eventId);
  };
}
