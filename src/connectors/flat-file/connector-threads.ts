/**
 * Starts a flat file's reading and mapping threads and carries their errors back: an input error
 * raised on a thread is an input error on the thread that started it, so it is not retried.
 */
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { InputError } from '../input-error.js';

/** An error as it crosses between threads. */
export interface ThreadFailure {
  name: string;
  message: string;
}

/** What crosses back for an error raised on a thread. */
export function failureOf(error: unknown): ThreadFailure {
  const { name, message } = error as Error;
  return { name: String(name), message: String(message) };
}

/** The error a thread's failure is on this thread: an `InputError` stays one. */
export function errorOf(failure: ThreadFailure, what: string): Error {
  if (failure.name === 'InputError') return new InputError(failure.message);
  return Object.assign(new Error(`${what} failed: ${failure.message}`), { name: failure.name });
}

/**
 * Each thread's JavaScript heap: a young generation of 12 MB instead of V8's 48, and an old one
 * bounded at 512 MB, under which V8 collects at about 1.35 times what is live instead of four
 * times. A thread holds at most a few pages of a few MB each (docs/performance.md).
 */
const THREAD_HEAP_LIMITS = { maxYoungGenerationSizeMb: 12, maxOldGenerationSizeMb: 512 };

/**
 * Starts the thread whose module is `name` (beside this file) with `workerData`. Run from the
 * sources (tsx, the tests), the thread registers tsx's loader first, as its parent did.
 */
export function startConnectorThread(name: string, workerData: unknown): Worker {
  const fromSources = fileURLToPath(import.meta.url).endsWith('.ts');
  const entry = new URL(`./${name}.${fromSources ? 'ts' : 'js'}`, import.meta.url);
  if (!fromSources) return new Worker(entry, { workerData, resourceLimits: THREAD_HEAP_LIMITS });
  const tsx = import.meta.resolve('tsx/esm/api');
  const code = `import(${JSON.stringify(tsx)}).then((api) => { api.register(); return import(${JSON.stringify(entry.href)}); });`;
  return new Worker(code, { eval: true, workerData, resourceLimits: THREAD_HEAP_LIMITS });
}
