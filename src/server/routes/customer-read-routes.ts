import type { FastifyReply } from 'fastify';
import type { FastifyPluginCallbackZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { storableText } from '../../domain/customer-record-schema.js';
import { customerApiView } from '../../operations/customer-api/customer-view.js';
import { customerEtag } from '../../operations/customer-api/customer-etag.js';
import { getCustomer, listCustomerActivities, listCustomers } from '../../operations/customer-api/read-customers.js';
import type { OperationDeps } from '../../operations/operation-deps.js';
import { cursorOf, fromCursor } from '../page-cursor.js';
import { activityPageSchema, customerPageSchema, customerSchema, listQuerySchema } from '../schemas/customer-schemas.js';
import { problemResponses } from '../schemas/problem-schema.js';
import { queryInteger } from '../schemas/query-integer.js';

const provenanceQuery = z.strictObject({
  provenance: z
    .enum(['true', 'false'])
    .default('true')
    .transform((v) => v === 'true')
    .describe('false: the bare customer, without the connector and run behind each value'),
});

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Reading customers: one by id or external id (with provenance), lists, and a customer's change log. */
export function customerReadRoutes(deps: Pick<OperationDeps, 'db'>): FastifyPluginCallbackZod {
  /** A customer by id or external id, with its entity tag. */
  const customerAnswer = async (reply: FastifyReply, ref: Parameters<typeof getCustomer>[1], provenance: boolean, ifNoneMatch: string | undefined) => {
    const { customer, externalIds } = await getCustomer(deps, ref);
    const etag = customerEtag(customer);
    reply.header('etag', etag);
    // If-None-Match compares weakly (RFC 9110 §13.1.2): the client's copy is current.
    if (ifNoneMatch !== undefined && ifNoneMatch.split(',').some((t) => t.trim() === '*' || t.trim().replace(/^W\//, '') === etag)) return reply.code(304).send();
    return customerApiView(customer, { provenance, externalIds });
  };
  const conditionalHeaders = z.object({ 'if-none-match': z.string().max(500).optional().describe('an ETag read before: 304 without a body while it still matches') });
  return (app, _options, done) => {
    app.get(
      '/customers',
      {
        config: { scope: 'read' },
        schema: {
          summary: 'List customers',
          description: 'Filters combine; pages follow the customer id, so paging on while customers are written neither repeats nor skips one.',
          tags: ['customers'],
          querystring: listQuerySchema,
          response: { 200: customerPageSchema, ...problemResponses(400, 401, 403, 429) },
        },
      },
      async (request) => {
        const q = request.query;
        const [key, ...value] = q.attribute?.split('=') ?? [];
        const page = await listCustomers(
          deps,
          {
            ...(q.type ? { type: q.type } : {}),
            ...(q.updatedSince ? { updatedSince: new Date(q.updatedSince) } : {}),
            ...(q.state !== 'any' ? { state: q.state } : {}),
            ...(key !== undefined ? { attribute: { key, value: value.join('=') } } : {}),
            ...(q.q ? { text: q.q } : {}),
          },
          { after: fromCursor(q.cursor, UUID), limit: q.limit },
        );
        return {
          items: page.customers.map((c) => customerApiView(c, { provenance: false })),
          ...(page.next ? { nextCursor: cursorOf(page.next) } : {}),
        };
      },
    );

    app.get(
      '/customers/:id',
      {
        config: { scope: 'read' },
        schema: {
          summary: 'Get a customer by id',
          tags: ['customers'],
          params: z.strictObject({ id: z.guid() }),
          querystring: provenanceQuery,
          headers: conditionalHeaders,
          response: { 200: customerSchema, 304: z.null().describe('Not modified: the ETag in If-None-Match still matches'), ...problemResponses(400, 401, 403, 404, 429) },
        },
      },
      async (request, reply) => customerAnswer(reply, { id: request.params.id }, request.query.provenance, request.headers['if-none-match']),
    );

    app.get(
      // Only a customer id here: `/customers/crm/activities` is the customer whose source id is `activities`.
      '/customers/:id([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})/activities',
      {
        config: { scope: 'read' },
        schema: {
          summary: "A customer's activities (its change log), newest first",
          description:
            'Each change with what it changed (old → new). After a permanent delete the customer answers 404, while its activities stay readable ' +
            'as an audit trail ending in `purged`, their values erased.',
          tags: ['customers'],
          params: z.strictObject({ id: z.guid() }),
          querystring: z.strictObject({ limit: queryInteger(1, 500, 50), cursor: storableText(100).optional().describe('nextCursor of the page before, as it came (anything else: 400)') }),
          response: { 200: activityPageSchema, ...problemResponses(400, 401, 403, 404, 429) },
        },
      },
      async (request) => {
        const before = fromCursor(request.query.cursor, /^\d{1,19}$/);
        const page = await listCustomerActivities(deps, request.params.id, { ...(before ? { before } : {}), limit: request.query.limit });
        return {
          items: page.activities.map((a) => ({ id: a.id, change: a.change, runId: a.runId, actor: a.actor, at: a.createdAt.toISOString(), diff: a.diff.map((d) => ({ ...d })) })),
          ...(page.next ? { nextCursor: cursorOf(page.next) } : {}),
        };
      },
    );

    app.get(
      '/customers/:connector/:externalId',
      {
        config: { scope: 'read' },
        schema: {
          summary: "Get a customer by a connector's id for it (its source id, or an enrichment's id)",
          tags: ['customers'],
          params: z.strictObject({ connector: storableText(200).min(1), externalId: storableText(1_000).min(1) }),
          querystring: provenanceQuery,
          headers: conditionalHeaders,
          response: { 200: customerSchema, 304: z.null().describe('Not modified: the ETag in If-None-Match still matches'), ...problemResponses(400, 401, 403, 404, 429) },
        },
      },
      async (request, reply) => customerAnswer(reply, request.params, request.query.provenance, request.headers['if-none-match']),
    );
    done();
  };
}
