import type { FastifyPluginCallbackZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { actorOf } from '../../operations/customer-api/api-writer.js';
import { keepApart, listDuplicates, showDuplicate } from '../../operations/duplicates.js';
import type { OperationDeps } from '../../operations/operation-deps.js';
import { cursorOf, fromCursor } from '../page-cursor.js';
import { writerOf } from '../request-context.js';
import {
  candidateIdSchema,
  duplicateCandidateSchema,
  duplicateComparisonSchema,
  duplicateListQuerySchema,
  duplicatePageSchema,
  mergeBodySchema,
  mergeOutcomeSchema,
} from '../schemas/duplicate-schemas.js';
import { mergeDuplicate, unmergeCustomer } from '../../operations/customer-merges.js';
import { problemResponses } from '../schemas/problem-schema.js';
import { ROW_ID } from '../../domain/row-id.js';

const params = z.strictObject({ id: candidateIdSchema });

/** Duplicate candidates: the queue, one pair side by side, keeping a pair apart, merging it, and undoing a merge. */
export function duplicateRoutes(deps: Pick<OperationDeps, 'db' | 'client' | 'temporal' | 'config'>): FastifyPluginCallbackZod {
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
        const after = fromCursor(q.cursor, ROW_ID);
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
    const push = { client: () => Promise.resolve(deps.client), temporal: deps.temporal, config: deps.config };

    app.post(
      '/duplicates/:id/merge',
      {
        config: { scope: 'write' },
        schema: {
          summary: 'Merge a pair into one customer',
          description:
            "The survivor takes the other's external ids (each connector finds it by its own id from then on) and every item with its provenance; " +
            'reading the other customer answers with the survivor. The first decision wins: a pair already decided answers 409, as do a customer ' +
            'merged away or deleted, or one a run is syncing; a person and a company are never merged (422).',
          tags: ['duplicates'],
          params,
          body: mergeBodySchema,
          response: { 200: mergeOutcomeSchema, ...problemResponses(400, 401, 403, 404, 409, 415, 422, 429) },
        },
      },
      async (request) =>
        mergeDuplicate({ db: deps.db, push }, request.params.id, { by: actorOf(writerOf(request.apiToken!)), ...(request.body?.survivor && { survivor: request.body.survivor }) }),
    );

    app.post(
      '/merges/:id/undo',
      {
        config: { scope: 'write' },
        schema: {
          summary: 'Undo a merge',
          description:
            'Both customers come back as they would be without it: exactly as before when nothing changed the survivor since, else each value ' +
            'with the customer whose connectors supply it. The pair is kept apart from then on. 409 when it was undone already.',
          tags: ['duplicates'],
          params,
          response: { 200: mergeOutcomeSchema, ...problemResponses(400, 401, 403, 404, 409, 429) },
        },
      },
      async (request) => unmergeCustomer({ db: deps.db, push }, request.params.id, { by: actorOf(writerOf(request.apiToken!)) }),
    );
    done();
  };
}
