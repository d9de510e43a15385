import type { FastifyPluginCallbackZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { actorOf } from '../../operations/customer-api/api-writer.js';
import { keepApart, listDuplicates, showDuplicate } from '../../operations/duplicates.js';
import type { OperationDeps } from '../../operations/operation-deps.js';
import { cursorOf, fromCursor } from '../page-cursor.js';
import { writerOf } from '../request-context.js';
import { candidateIdSchema, duplicateCandidateSchema, duplicateComparisonSchema, duplicateListQuerySchema, duplicatePageSchema } from '../schemas/duplicate-schemas.js';
import { problemResponses } from '../schemas/problem-schema.js';

const params = z.strictObject({ id: candidateIdSchema });

/** Duplicate candidates: the queue, one pair side by side, keeping a pair apart. */
export function duplicateRoutes(deps: Pick<OperationDeps, 'db'>): FastifyPluginCallbackZod {
  return (app, _options, done) => {
    app.get(
      '/duplicates',
      {
        config: { scope: 'read' },
        schema: {
          summary: 'List duplicate candidates',
          description: 'Pairs of customers that may be one, open ones unless another status is asked for, oldest first.',
          tags: ['duplicates'],
          querystring: duplicateListQuerySchema,
          response: { 200: duplicatePageSchema, ...problemResponses(400, 401, 403, 429) },
        },
      },
      async (request) => {
        const q = request.query;
        const after = fromCursor(q.cursor, /^[1-9]\d{0,17}$/);
        const items = await listDuplicates(deps, {
          status: q.status,
          ...(q.strength ? { strength: q.strength } : {}),
          ...(q.customer ? { customerId: q.customer } : {}),
          ...(after ? { after } : {}),
          limit: q.limit + 1,
        });
        const page = items.slice(0, q.limit);
        return { items: page, ...(items.length > q.limit ? { nextCursor: cursorOf(page.at(-1)!.id) } : {}) };
      },
    );

    app.get(
      '/duplicates/:id',
      {
        config: { scope: 'read' },
        schema: {
          summary: 'A duplicate candidate, both customers field by field',
          description: "Each value with the connector it came from; `same` when both customers have it with one value.",
          tags: ['duplicates'],
          params,
          response: { 200: duplicateComparisonSchema, ...problemResponses(400, 401, 403, 404, 429) },
        },
      },
      async (request) => showDuplicate(deps, request.params.id),
    );

    app.post(
      '/duplicates/:id/keep-apart',
      {
        config: { scope: 'write' },
        schema: {
          summary: 'Keep a pair apart: they are two customers',
          description: 'The pair is never proposed again. The first decision wins: a pair already decided answers 409.',
          tags: ['duplicates'],
          params,
          response: { 200: duplicateCandidateSchema, ...problemResponses(400, 401, 403, 404, 409, 429) },
        },
      },
      async (request) => keepApart(deps, request.params.id, { by: actorOf(writerOf(request.apiToken!)) }),
    );
    done();
  };
}
