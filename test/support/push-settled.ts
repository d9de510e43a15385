import type { Client } from '@temporalio/client';
import { pushWorkflowId } from '../../src/domain/push-target.js';
import type { DatabaseHandle } from '../../src/db/connect.js';

/** Waits until a target's push workflow (of the harness's task queue) has nothing pending and has completed. */
export async function pushesSettled(db: DatabaseHandle, client: Client, target: string, taskQueue: string): Promise<void> {
  const handle = client.workflow.getHandle(pushWorkflowId(target, taskQueue));
  for (let i = 0; i < 1_200; i++) {
    const pending = await db.db.selectFrom('customer_pushes').select('customer_id').where('status', '=', 'pending').where('target', '=', target).execute();
    const running = await handle
      .describe()
      .then((d) => d.status.name === 'RUNNING')
      .catch(() => false);
    if (pending.length === 0 && !running) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`pushes to ${target} did not settle`);
}
