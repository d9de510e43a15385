import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';

type Json = Record<string, unknown>;

/** What the push bench asks its OMS process. */
export type OmsProcessRequest =
  | { type: 'latency'; id: number; ms: number }
  | { type: 'counts'; id: number }
  | { type: 'take-business'; id: number }
  | { type: 'add-private'; id: number; customer: Json }
  | { type: 'stop' };

/** What the OMS process answers. */
export type OmsProcessReply =
  | { type: 'ready'; baseUrl: string }
  | { type: 'done'; id: number }
  | { type: 'counts'; id: number; business: number; private: number }
  | { type: 'business'; id: number; customers: Json[] };

/** An OMS-like API (`startLocalOms`) in a child process on 127.0.0.1. */
export interface OmsProcess {
  baseUrl: string;
  /** Every answer waits this long, as a remote API's would. */
  setLatency(ms: number): Promise<void>;
  /** How many customers the OMS stores. */
  counts(): Promise<{ business: number; private: number }>;
  /** The business customers the OMS stores, which it then forgets. */
  takeBusinessCustomers(): Promise<Json[]>;
  /** Stores a private customer, as if a shop had created it. */
  addPrivateCustomer(customer: Json): Promise<void>;
  stop(): Promise<void>;
}

/** A request before it is given its id (each member of the union on its own). */
type WithoutId<R> = R extends unknown ? Omit<R, 'id'> : never;

const ENTRY = fileURLToPath(new URL('./oms-process-main.ts', import.meta.url));

/** Starts the OMS process and resolves once it listens. */
export async function startOmsProcess(): Promise<OmsProcess> {
  const child = fork(ENTRY, [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const exited = new Promise<never>((_, reject) => child.once('exit', (code) => reject(new Error(`the OMS process exited (${code})`))));
  exited.catch(() => undefined);
  const baseUrl = await Promise.race([
    new Promise<string>((resolve) => child.once('message', (m: OmsProcessReply) => m.type === 'ready' && resolve(m.baseUrl))),
    exited,
  ]);
  let nextId = 0;
  const ask = <T extends OmsProcessReply>(request: WithoutId<Exclude<OmsProcessRequest, { type: 'stop' }>>): Promise<T> => {
    const id = ++nextId;
    const answered = new Promise<T>((resolve) => {
      const onMessage = (reply: OmsProcessReply) => {
        if ('id' in reply && reply.id === id) {
          child.off('message', onMessage);
          resolve(reply as T);
        }
      };
      child.on('message', onMessage);
    });
    child.send({ ...request, id });
    return Promise.race([answered, exited]);
  };
  return {
    baseUrl,
    setLatency: async (ms) => void (await ask({ type: 'latency', ms })),
    counts: async () => {
      const { business, private: persons } = await ask<Extract<OmsProcessReply, { type: 'counts' }>>({ type: 'counts' });
      return { business, private: persons };
    },
    takeBusinessCustomers: async () => (await ask<Extract<OmsProcessReply, { type: 'business' }>>({ type: 'take-business' })).customers,
    addPrivateCustomer: async (customer) => void (await ask({ type: 'add-private', customer })),
    stop: async () => {
      if (child.exitCode !== null) return;
      const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.send({ type: 'stop' });
      await gone;
    },
  };
}
