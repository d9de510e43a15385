import type { ActivityExecuteInput, ActivityInboundCallsInterceptor, Next } from '@temporalio/worker';
import type { CustsyncWorkerOptions } from '../../src/worker.js';

/** How often a held activity heartbeats, well inside the activities' heartbeat timeout. */
const HEARTBEAT_EVERY_MS = 1_000;

/**
 * Holds the calls of chosen activity types until the test opens the gate, so a test orders
 * what happens around a durable timer or a coalescing window by events, never by sleeping.
 * A held call heartbeats, so holding it longer than the heartbeat timeout changes nothing.
 */
export interface ActivityGate {
  /** Worker interceptors to pass to the harness. */
  interceptors: NonNullable<CustsyncWorkerOptions['interceptors']>;
  /** Later calls of this activity type wait until {@link open}. */
  close(activityType: string): void;
  /** Lets every held and later call of this activity type run. */
  open(activityType: string): void;
  /** Resolves once a call of this activity type is being held. */
  held(activityType: string): Promise<void>;
}

export function activityGate(): ActivityGate {
  const closed = new Map<string, { opened: Promise<void>; open: () => void }>();
  const holding = new Map<string, { reached: Promise<void>; reach: () => void }>();
  const holdingOf = (type: string) => {
    let entry = holding.get(type);
    if (!entry) {
      let reach!: () => void;
      const reached = new Promise<void>((resolve) => (reach = resolve));
      entry = { reached, reach };
      holding.set(type, entry);
    }
    return entry;
  };

  return {
    interceptors: {
      activity: [
        (ctx) => ({
          inbound: {
            async execute(input: ActivityExecuteInput, next: Next<ActivityInboundCallsInterceptor, 'execute'>): Promise<unknown> {
              const gate = closed.get(ctx.info.activityType);
              if (gate) {
                holdingOf(ctx.info.activityType).reach();
                const beat = setInterval(() => ctx.heartbeat(), HEARTBEAT_EVERY_MS);
                try {
                  await gate.opened;
                } finally {
                  clearInterval(beat);
                }
              }
              return next(input);
            },
          },
        }),
      ],
    },
    close(activityType) {
      if (closed.has(activityType)) return;
      let open!: () => void;
      const opened = new Promise<void>((resolve) => (open = resolve));
      closed.set(activityType, { opened, open });
      holding.delete(activityType);
    },
    open(activityType) {
      closed.get(activityType)?.open();
      closed.delete(activityType);
    },
    held(activityType) {
      return holdingOf(activityType).reached;
    },
  };
}
