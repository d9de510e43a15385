import { DEFAULT_TASK_QUEUE } from '../domain/task-queue.js';

/** Where and how to reach Temporal; from the environment, with local defaults. */
export interface TemporalSettings {
  /** `TEMPORAL_ADDRESS`; default `127.0.0.1:7233` (the dev server). */
  address: string;
  /** `TEMPORAL_NAMESPACE`; default `default`. */
  namespace: string;
  /** `CUSTSYNC_TASK_QUEUE`; default `custsync`. */
  taskQueue: string;
}

export function temporalSettingsFromEnv(env: NodeJS.ProcessEnv = process.env): TemporalSettings {
  return {
    address: env.TEMPORAL_ADDRESS || '127.0.0.1:7233',
    namespace: env.TEMPORAL_NAMESPACE || 'default',
    taskQueue: env.CUSTSYNC_TASK_QUEUE || DEFAULT_TASK_QUEUE,
  };
}
