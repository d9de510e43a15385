import type { FastifyPluginCallbackZod } from 'fastify-type-provider-zod';
import { storableText } from '../../domain/customer-record-schema.js';
import { TEXT_LIMITS } from '../../domain/text-limits.js';
import { z } from 'zod';
import { createCustomer } from '../../operations/customer-api/create-customer.js';
import { customerEtag } from '../../operations/customer-api/customer-etag.js';
import { customerApiView } from '../../operations/customer-api/customer-view.js';
import { deleteCustomer } from '../../operations/customer-api/delete-customer.js';
import { patchCustomer } from '../../operations/customer-api/patch-customer.js';
import { setAttributeInBulk } from '../../operations/customer-api/set-attribute-in-bulk.js';
import { upsertCustomer } from '../../operations/customer-api/upsert-customer.js';
import type { CustomerWriteResult } from '../../operations/customer-api/write-one-customer.js';
import type { OperationDeps } from '../../operations/operation-deps.js';
import { answerOnce } from '../idempotency.js';
import { writerOf } from '../request-context.js';
import {
  attributeBulkBodySchema,
  attributeBulkResultSchema,
  createBodySchema,
  customerSchema,
  deletionSchema,
  patchBodySchema,
  upsertBodySchema,
} from '../schemas/customer-schemas.js';
import { problemResponses } from '../schemas/problem-schema.js';

/** What a write answers: what it did, and the customer as it is now. */
const writeResultSchema = z
  .object({
    change: z.enum(['created', 'updated', 'unchanged']).describe('unchanged: no value changed and nothing was written'),
    restored: z.boolean().describe('a deleted or missing customer came back'),
    writeId: z.string().describe('the id the written values and the change-log entry name as their run'),
    queuedFor: z.array(z.string()).describe('push targets the change is queued for'),
    customer: customerSchema,
  })
  .meta({ id: 'CustomerWriteResult' });

const ifMatchHeaders = z.object({ 'if-match': z.string().max(200).optional().describe('the ETag read: the write happens only while it still matches (412 otherwise)') });
const idempotencyHeaders = z.object({ 'idempotency-key': z.string().min(1).max(200).optional().describe('repeating a request with the same key replays its first answer') });

/** The `If-Match` condition of a request, as operations take it. */
const ifMatchOf = (headers: { 'if-match'?: string }): { ifMatch?: string } => (headers['if-match'] !== undefined ? { ifMatch: headers['if-match'] } : {});

function written(result: CustomerWriteResult) {
  return {
    change: result.status,
    restored: result.restored,
    writeId: result.writeId,
    queuedFor: result.queuedFor,
    customer: customerApiView(result.customer, { provenance: true }),
  };
}

/** Writing customers: upsert, create, patch, delete, and one attribute on many. */
export function customerWriteRoutes(deps: Pick<OperationDeps, 'db' | 'client' | 'temporal' | 'config'>): FastifyPluginCallbackZod {
  return (app, _options, done) => {
    app.put(
      '/customers/:connector/:externalId',
      {
        config: { scope: 'write' },
        schema: {
          summary: "Upsert a customer by a connector's source id",
          description:
            'Creates the customer (201) when the connector has none with this id, otherwise merges the record into it (200); ' +
            'a record that changes no value writes nothing (change: unchanged). Only the aspects the record has are written. ' +
            "The path's connector must be the token's system (admin tokens may name any).",
          tags: ['customers'],
          params: z.strictObject({ connector: storableText(200).min(1), externalId: storableText(TEXT_LIMITS.identifier).min(1) }),
          headers: ifMatchHeaders.extend({
            'if-none-match': z.literal('*').optional().describe('*: create the customer only; 412 when it exists'),
          }),
          body: upsertBodySchema,
          response: { 200: writeResultSchema, 201: writeResultSchema, ...problemResponses(400, 401, 403, 409, 412, 413, 415, 422, 429) },
        },
      },
      async (request, reply) => {
        const result = await upsertCustomer(deps, writerOf(request.apiToken!), request.params.connector, request.params.externalId, request.body, {
          ...ifMatchOf(request.headers),
          ...(request.headers['if-none-match'] === '*' ? { ifNoneMatchAny: true } : {}),
        });
        reply.header('etag', customerEtag(result.customer));
        if (result.status === 'created') reply.header('location', `/api/v1/customers/${result.customer.id}`);
        return reply.code(result.status === 'created' ? 201 : 200).send(written(result));
      },
    );

    app.post(
      '/customers',
      {
        config: { scope: 'write' },
        schema: {
          summary: "Create a customer with its source id in the token's system",
          description: 'Refused with 409 when the system has a customer with this source id (upsert it with PUT instead).',
          tags: ['customers'],
          headers: idempotencyHeaders,
          body: createBodySchema,
          response: { 201: writeResultSchema, ...problemResponses(400, 401, 403, 409, 413, 415, 422, 429) },
        },
      },
      async (request, reply) =>
        answerOnce(deps, request, reply, async () => {
          const { sourceId, ...record } = request.body;
          const result = await createCustomer(deps, writerOf(request.apiToken!), sourceId, record);
          return { status: 201, headers: { etag: customerEtag(result.customer), location: `/api/v1/customers/${result.customer.id}` }, body: written(result) };
        }),
    );

    app.patch(
      '/customers/:id',
      {
        config: { scope: 'write' },
        schema: {
          summary: "Change a customer's aspects (JSON merge patch)",
          consumes: ['application/merge-patch+json', 'application/json'],
          description:
            'Object aspects (name, relations) are merged field by field, null removing a field; list aspects are replaced whole. ' +
            "The values are the token system's; a list item another connector still supplies stays.",
          tags: ['customers'],
          params: z.strictObject({ id: z.guid() }),
          headers: ifMatchHeaders,
          body: patchBodySchema,
          response: { 200: writeResultSchema, ...problemResponses(400, 401, 403, 404, 409, 412, 413, 415, 422, 429) },
        },
      },
      async (request, reply) => {
        const result = await patchCustomer(deps, writerOf(request.apiToken!), request.params.id, request.body, {
          ...ifMatchOf(request.headers),
          ...(request.headers['if-none-match'] === '*' ? { ifNoneMatchAny: true } : {}),
        });
        reply.header('etag', customerEtag(result.customer));
        return written(result);
      },
    );

    app.delete(
      '/customers/:id',
      {
        config: { scope: 'write' },
        schema: {
          summary: 'Delete a customer',
          description:
            'Marks the customer deleted: it stays readable with state `deleted` (lists leave it out unless ?state= asks), and an upsert brings it back. ' +
            'permanent=true (admin scope) erases it and its values everywhere: it answers 404 from then on. Both are in its change log.',
          tags: ['customers'],
          params: z.strictObject({ id: z.guid() }),
          querystring: z.strictObject({ permanent: z.enum(['true', 'false']).default('false').transform((v) => v === 'true') }),
          headers: ifMatchHeaders,
          response: { 200: deletionSchema, ...problemResponses(400, 401, 403, 404, 412, 429) },
        },
      },
      async (request) =>
        deleteCustomer(deps, writerOf(request.apiToken!), request.params.id, {
          permanent: request.query.permanent,
          ...ifMatchOf(request.headers),
        }),
    );

    app.post(
      '/customers/attributes/bulk',
      {
        config: { scope: 'write' },
        schema: {
          summary: 'Set or remove one attribute on many customers',
          description: "Each customer is written on its own; the answer says per customer what happened. Removing takes away the token system's value.",
          tags: ['customers'],
          headers: idempotencyHeaders,
          body: attributeBulkBodySchema,
          response: { 200: attributeBulkResultSchema, ...problemResponses(400, 401, 403, 409, 413, 415, 422, 429) },
        },
      },
      async (request, reply) =>
        answerOnce(deps, request, reply, async () => {
          const { key, value, customers } = request.body;
          const items = await setAttributeInBulk(deps, writerOf(request.apiToken!), { key, ...(value !== undefined ? { value } : {}), customers });
          return { status: 200, body: { items } };
        }),
    );
    done();
  };
}
