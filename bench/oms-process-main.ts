/**
 * The push bench's OMS: `startLocalOms` alone in a process of its own, as a remote API is,
 * so its answers do not take turns with the worker on one event loop. Started by
 * `oms-process.ts` over an IPC channel; answers each request message once.
 */
import { startLocalOms } from '../src/tooling/local-oms.js';
import type { OmsProcessReply, OmsProcessRequest } from './oms-process.js';

async function main(): Promise<void> {
  if (!process.send) throw new Error('oms-process-main.ts is started by the push bench over an IPC channel');
  const oms = await startLocalOms();
  const reply = (message: OmsProcessReply) => process.send!(message);
  process.on('message', (message: OmsProcessRequest) => {
    // Requests are not kept: the bench reads what the OMS stores, not how it was asked.
    oms.requests.length = 0;
    switch (message.type) {
      case 'latency':
        oms.latencyMs = message.ms;
        return reply({ type: 'done', id: message.id });
      case 'counts':
        return reply({ type: 'counts', id: message.id, business: oms.businessCustomers.size, private: oms.privateCustomers.size });
      case 'take-business':
        reply({ type: 'business', id: message.id, customers: [...oms.businessCustomers.values()] });
        oms.businessCustomers.clear();
        return;
      case 'add-private':
        oms.privateCustomers.set(String(message.customer.customerId), message.customer);
        return reply({ type: 'done', id: message.id });
      case 'stop':
        void oms.close().then(() => process.exit(0));
        return;
    }
  });
  process.on('disconnect', () => void oms.close().then(() => process.exit(0)));
  reply({ type: 'ready', baseUrl: oms.baseUrl });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
