import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { MULTIPLE_ASPECTS } from '../../../domain/customer-record.js';
import { getCustomer, listCustomerActivities, listCustomers } from '../../../operations/customer-api/read-customers.js';
import { customerState } from '../../../operations/customer-api/customer-view.js';
import { customerPushes } from '../../../operations/pushes.js';
import { HttpProblem } from '../../problem-details.js';
import type { ConsoleDeps } from '../console-context.js';
import { formOf, queryOf } from '../console-forms.js';
import { redirectWithMessage, renderPage } from '../render-page.js';
import { actorOf } from '../console-auth.js';
import { eraseCustomerData } from '../../../operations/erase-customer.js';

const PAGE = 50;
const searchQuery = z.object({
  q: z.string().max(200).optional().transform((v) => v?.trim() || undefined),
  after: z.guid().optional(),
});
const customerParams = z.object({ id: z.guid('not a customer id') });
const eraseForm = z.object({ id: z.guid(), code: z.string().min(1).max(500), confirm: z.string().max(500).default('') });

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
    app.post('/customers/erase', { config: { role: 'admin' } }, async (request, reply) => {
      const form = formOf(eraseForm, request.body);
      if (form.confirm !== form.code) {
        throw new HttpProblem(422, `type the customer's code (${form.code}) to confirm the erasure; nothing was erased`);
      }
      const erased = await eraseCustomerData(deps.ops, form.id, { by: actorOf(request.consoleUser!) });
      return redirectWithMessage(request, reply, '/customers', `erased customer ${erased.customerId}: its personal data is gone from custsync`);
    });
    done();
  };
}
