import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { MULTIPLE_ASPECTS } from '../../../domain/customer-record.js';
import { getCustomer, listCustomerActivities, listCustomers } from '../../../operations/customer-api/read-customers.js';
import { customerState } from '../../../operations/customer-api/customer-view.js';
import { customerPushes } from '../../../operations/pushes.js';
import { HttpProblem } from '../../problem-details.js';
import type { ConsoleDeps } from '../console-context.js';
import { queryOf } from '../console-forms.js';
import { renderPage } from '../render-page.js';

const PAGE = 50;
const searchQuery = z.object({
  q: z.string().max(200).optional().transform((v) => v?.trim() || undefined),
  after: z.guid().optional(),
});
const customerParams = z.object({ id: z.guid('not a customer id') });

/** Customers: search by name, code, email or VAT number; a customer with every value's connector and run, its lifecycle, change log and pushes. */
export function customerPages(deps: ConsoleDeps) {
  return (app: FastifyInstance, _options: unknown, done: (error?: Error) => void): void => {
    app.get('/customers', async (request, reply) => {
      const q = queryOf(searchQuery, request.query);
      const page = await listCustomers(deps.ops, q.q ? { text: q.q } : {}, { ...(q.after ? { after: q.after } : {}), limit: PAGE });
      return renderPage(request, reply, deps, 'customers', { title: 'Customers', q: q.q, customers: page.customers, next: page.next, state: customerState });
    });
    app.get('/customers/:id', async (request, reply) => {
      const params = customerParams.safeParse(request.params);
      if (!params.success) throw new HttpProblem(404, `no customer ${(request.params as { id: string }).id}: not a customer id`);
      const { customer, externalIds } = await getCustomer(deps.ops, { id: params.data.id });
      const [activities, pushes] = await Promise.all([listCustomerActivities(deps.ops, customer.id, { limit: 100 }), customerPushes(deps.ops, customer.id)]);
      return renderPage(request, reply, deps, 'customer', {
        title: `Customer ${customer.source_id}`,
        customer,
        state: customerState(customer),
        externalIds,
        aspects: MULTIPLE_ASPECTS,
        activities: activities.activities,
        moreActivities: activities.next !== undefined,
        pushes,
      });
    });
    done();
  };
}
