import { pingDatabase } from '../db/repositories/database-health.js';
import type { OperationDeps } from './operation-deps.js';

/** Whether the server can do its work: each dependency `ok` or what is wrong with it. */
export interface Readiness {
  ready: boolean;
  checks: { database: string; temporal: string };
}

async function check(probe: () => Promise<unknown>, timeoutMs: number): Promise<string> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      probe(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
      }),
    ]);
    return 'ok';
  } catch (error) {
    return (error as Error).message.split('\n')[0] || 'unreachable';
  } finally {
    clearTimeout(timer);
  }
}

/** Checks that the database and Temporal answer, each within `timeoutMs` (default 2 s). */
export async function checkReadiness({ db, client }: Pick<OperationDeps, 'db' | 'client'>, timeoutMs = 2_000): Promise<Readiness> {
  const [database, temporal] = await Promise.all([
    check(() => pingDatabase(db), timeoutMs),
    check(() => client.workflowService.getSystemInfo({}), timeoutMs),
  ]);
  return { ready: database === 'ok' && temporal === 'ok', checks: { database, temporal } };
}
