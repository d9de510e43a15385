import { z } from 'zod';

/**
 * An order event as the webhook takes it. Other fields of the order are allowed and
 * ignored; `connector` may be left out when the server has a default.
 */
export const orderWebhookBodySchema = z.looseObject({
  eventId: z.string().trim().min(1).max(200),
  customerId: z.string().trim().min(1).max(500),
  connector: z.string().min(1).optional(),
});
export type OrderWebhookBody = z.infer<typeof orderWebhookBodySchema>;
