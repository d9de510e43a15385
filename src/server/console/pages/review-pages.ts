import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { approveHeldCustomers, listHeldCustomers, rejectHeldCustomers, showHeldCustomer } from '../../../operations/review.js';
import { actorOf } from '../console-auth.js';
import type { ConsoleDeps } from '../console-context.js';
import { formOf, queryOf, repeated } from '../console-forms.js';
import { redirectWithMessage, renderPage } from '../render-page.js';

const reviewQuery = z.object({ flow: z.string().max(200).optional().transform((v) => v || undefined) });
const itemQuery = z.object({ flow: z.string().min(1).max(200), code: z.string().min(1).max(500) });
/** Each held customer as `<flow>:<code>` (flow names have no colon). */
const heldRef = z.string().regex(/^[a-z0-9][a-z0-9-_]*:.+$/, 'a held customer as flow:code').transform((v) => {
  const at = v.indexOf(':');
  return { flow: v.slice(0, at), code: v.slice(at + 1) };
});
const decisionForm = z.object({
  decision: z.enum(['approve', 'reject']),
  item: repeated(heldRef).pipe(z.array(z.object({ flow: z.string(), code: z.string() })).min(1, 'choose at least one customer')),
});

/** Customers held for review: each as approving would create it; approve or reject one or many. */
export function reviewPages(deps: ConsoleDeps) {
  return (app: FastifyInstance, _options: unknown, done: (error?: Error) => void): void => {
    app.get('/review', async (request, reply) => {
      const { flow } = queryOf(reviewQuery, request.query);
      const [held, approved, rejected] = await Promise.all([
        listHeldCustomers(deps.ops, { ...(flow ? { flow } : {}), limit: 500 }),
        listHeldCustomers(deps.ops, { ...(flow ? { flow } : {}), status: 'approved', limit: 500 }),
        listHeldCustomers(deps.ops, { ...(flow ? { flow } : {}), status: 'rejected', limit: 500 }),
      ]);
      const decided = [...approved, ...rejected].sort((a, b) => (b.decidedAt ?? '').localeCompare(a.decidedAt ?? '')).slice(0, 20);
      return renderPage(request, reply, deps, 'review', { title: 'Review', held, decided, flow });
    });
    app.get('/review/item', async (request, reply) => {
      const { flow, code } = queryOf(itemQuery, request.query);
      const held = await showHeldCustomer(deps.ops, code, { flow });
      return renderPage(request, reply, deps, 'review-item', { title: `Held customer ${code}`, held });
    });
    app.post('/review/decide', { config: { role: 'reviewer' } }, async (request, reply) => {
      const form = formOf(decisionForm, request.body);
      const by = actorOf(request.consoleUser!);
      const byFlow = new Map<string, { flow: string; code: string }[]>();
      for (const item of form.item) byFlow.set(item.flow, [...(byFlow.get(item.flow) ?? []), item]);
      const done: string[] = [];
      for (const [flow, items] of byFlow) {
        const codes = items.map((i) => i.code);
        if (form.decision === 'approve') {
          await approveHeldCustomers({ db: deps.ops.db, push: { ...deps.ops, client: () => Promise.resolve(deps.ops.client) } }, codes, { flow, by });
        } else {
          await rejectHeldCustomers(deps.ops, codes, { flow, by });
        }
        done.push(...codes);
      }
      const verb = form.decision === 'approve' ? 'approved (created)' : 'rejected';
      return redirectWithMessage(request, reply, '/review', `${verb}: ${done.join(', ')}`);
    });
    done();
  };
}
