import type { FastifyPluginCallback } from 'fastify';
import { z } from 'zod';
import { OrderPlanError } from '../../config/order-plan.js';
import type { OrderEvent } from '../../domain/order-event.js';
import type { SubmittedOrder } from '../../operations/orders/submit-order-event.js';
import { OperationError } from '../../domain/operation-error.js';
import { sendProblem } from '../problem-details.js';
import { orderWebhookBodySchema } from './order-webhook-body.js';
import { SIGNATURE_HEADER, verifySignature } from './webhook-signature.js';

/** How the order webhook is set up. */
export interface OrderWebhookOptions {
  /** The HMAC secret senders sign bodies with. */
  secret: string;
  /** Largest body accepted, in bytes; default 64 KiB (larger: 413). */
  bodyLimit?: number;
  /** The connector of events that name none; default none (such events are refused). */
  defaultConnector?: string;
  /** Plans the customer's sync and hands the event to its workflow. */
  submit(connector: string, customerId: string, event: OrderEvent): Promise<SubmittedOrder>;
}

/**
 * `POST /webhooks/orders` takes an order event signed with HMAC-SHA256
 * (`X-Custsync-Signature: sha256=<hex>` over the raw body). A missing or bad signature is 401
 * and nothing is parsed or started; a body that is not a valid event is 400 naming the field;
 * a config that cannot sync it is 422; 202 means the event went to its customer's workflow,
 * 200 that it was handled before. Errors are problem details.
 */
export function orderWebhookRoutes(options: OrderWebhookOptions): FastifyPluginCallback {
  return (app, _options, done) => {
    // The signature is over the exact bytes sent: keep the body raw until it is verified.
    app.removeContentTypeParser('application/json');
    app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));
    app.post('/webhooks/orders', { bodyLimit: options.bodyLimit ?? 64 * 1024, schema: { hide: true } }, async (request, reply) => {
      const raw = request.body as Buffer;
      const signature = request.headers[SIGNATURE_HEADER];
      if (!verifySignature(options.secret, raw, typeof signature === 'string' ? signature : undefined)) {
        return sendProblem(reply, 401, `missing or bad signature: send ${SIGNATURE_HEADER}: sha256=<hex HMAC-SHA256 of the body>`);
      }
      let json: unknown;
      try {
        json = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(raw));
      } catch {
        return sendProblem(reply, 400, 'the body is not UTF-8 JSON');
      }
      const parsed = orderWebhookBodySchema.safeParse(json);
      if (!parsed.success) return sendProblem(reply, 400, z.prettifyError(parsed.error));
      const connector = parsed.data.connector ?? options.defaultConnector;
      if (!connector) return sendProblem(reply, 400, 'connector: the event names no connector and the server has no default (serve --connector)');
      try {
        const result = await options.submit(connector, parsed.data.customerId, {
          eventId: parsed.data.eventId,
          via: 'webhook',
          receivedAt: new Date().toISOString(),
        });
        return reply.code(result.status === 'duplicate' ? 200 : 202).send(result);
      } catch (error) {
        if (error instanceof OrderPlanError || (error instanceof OperationError && error.kind === 'invalid')) return sendProblem(reply, 422, error.message);
        request.log.error({ err: error }, 'order event not submitted');
        return sendProblem(reply, 503, 'the event could not be handed on now; send it again later');
      }
    });
    done();
  };
}
