import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { mergeDuplicate, unmergeCustomer } from '../../../operations/customer-merges.js';
import { keepApart, listDuplicates, showDuplicate } from '../../../operations/duplicates.js';
import { actorOf } from '../console-auth.js';
import type { ConsoleDeps } from '../console-context.js';
import { formOf, queryOf } from '../console-forms.js';
import { redirectWithMessage, renderPage } from '../render-page.js';
import { ROW_ID } from '../../../domain/row-id.js';

const candidateId = z.string().regex(ROW_ID, 'a duplicate candidate id');
const listQuery = z.object({
  strength: z.enum(['strong', 'weak', '']).optional().transform((v) => v || undefined),
  run: z.string().max(300).optional().transform((v) => v || undefined),
});
const itemQuery = z.object({ id: candidateId });
const decisionForm = z.object({
  id: candidateId,
  decision: z.enum(['merge', 'keep-apart']),
  survivor: z.guid().optional(),
});
const undoForm = z.object({ id: candidateId, merge: candidateId });

/** Possible duplicates: the queue (strong first), one pair side by side, merge or keep apart, undo a merge. */
export function duplicatePages(deps: ConsoleDeps) {
  return (app: FastifyInstance, _options: unknown, done: (error?: Error) => void): void => {
    const push = { ...deps.ops, client: () => Promise.resolve(deps.ops.client) };
    app.get('/duplicates', async (request, reply) => {
      const { strength, run } = queryOf(listQuery, request.query);
      const filter = { ...(strength ? { strength } : {}), ...(run ? { runId: run } : {}) };
      const [open, merged, keptApart] = await Promise.all([
        listDuplicates(deps.ops, { ...filter, limit: 500 }),
        listDuplicates(deps.ops, { ...filter, status: 'merged', limit: 500 }),
        listDuplicates(deps.ops, { ...filter, status: 'kept-apart', limit: 500 }),
      ]);
      const pairs = [...open.filter((p) => p.strength === 'strong'), ...open.filter((p) => p.strength === 'weak')];
      const decided = [...merged, ...keptApart].sort((a, b) => (b.decidedAt ?? '').localeCompare(a.decidedAt ?? '')).slice(0, 20);
      return renderPage(request, reply, deps, 'duplicates', { title: 'Duplicates', pairs, decided, strength, run });
    });
    app.get('/duplicates/item', async (request, reply) => {
      const { id } = queryOf(itemQuery, request.query);
      const pair = await showDuplicate(deps.ops, id);
      return renderPage(request, reply, deps, 'duplicate-item', { title: `Possible duplicate ${id}`, pair });
    });
    app.post('/duplicates/decide', { config: { role: 'reviewer' } }, async (request, reply) => {
      const form = formOf(decisionForm, request.body);
      const by = actorOf(request.consoleUser!);
      if (form.decision === 'keep-apart') {
        await keepApart(deps.ops, form.id, { by });
        return redirectWithMessage(request, reply, '/duplicates', `kept apart: pair ${form.id}`);
      }
      const merged = await mergeDuplicate({ db: deps.ops.db, push }, form.id, { by, ...(form.survivor && { survivor: form.survivor }) });
      return redirectWithMessage(request, reply, `/duplicates/item?id=${form.id}`, `merged into customer ${merged.survivorId} (merge ${merged.mergeId})`);
    });
    app.post('/duplicates/undo', { config: { role: 'reviewer' } }, async (request, reply) => {
      const form = formOf(undoForm, request.body);
      await unmergeCustomer({ db: deps.ops.db, push }, form.merge, { by: actorOf(request.consoleUser!) });
      return redirectWithMessage(request, reply, `/duplicates/item?id=${form.id}`, `merge ${form.merge} undone: two customers again, kept apart`);
    });
    done();
  };
}
