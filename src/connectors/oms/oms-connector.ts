import { z } from 'zod';
import type { CustomerRecord, CustomerType } from '../../domain/customer-record.js';
import type { OutboundCustomer, PushResult } from '../../domain/outbound-customer.js';
import type { Connector, ConnectorInput, ConnectorPage, ReadOptions } from '../connector.js';
import { InputError } from '../input-error.js';
import { authHeaders } from '../http/http-auth.js';
import { readHttpListing } from '../http/http-listing.js';
import { endpointOf, requestJson, type HttpRequestOptions } from '../http/http-request.js';
import { parseProblem, type ItemMapping } from '../http/item-mapping.js';
import type { OmsConnectorConfig } from './oms-config.js';
import { omsBusinessCustomerSchema, omsPrivateCustomerSchema } from './oms-customer-schema.js';
import { businessCustomerRelations, businessCustomerToRecord, privateCustomerToRecord } from './oms-inbound.js';
import { toOmsBusinessCustomer, toOmsPrivateCustomer } from './oms-outbound.js';

const pushAnswerSchema = z.looseObject({ customerId: z.string().min(1) });

/** Positions of the second collection's customers start here, after the first's. */
const PART_STRIDE = 1_000_000_000;

/** Where a listing stands: which collection, and the page cursor within it. */
interface ListingCursor {
  part: number;
  page?: string;
}

/** One of the OMS's two customer collections. */
interface Collection {
  type: CustomerType;
  path: string;
  toRecord: (item: unknown) => ItemMapping;
}

/** Validates an item with the collection's schema, then maps it onto a customer record. */
function mapper<S extends z.ZodType>(
  schema: S,
  toRecord: (customer: z.output<S>, config: OmsConnectorConfig) => CustomerRecord,
  config: OmsConnectorConfig,
  warningsOf: (customer: z.output<S>) => string[] = () => [],
): (item: unknown) => ItemMapping {
  return (item) => {
    const parsed = schema.safeParse(item);
    if (!parsed.success) return parseProblem(parsed.error, (item as { customerId?: unknown } | null)?.customerId);
    const warnings = warningsOf(parsed.data);
    return { ok: true, record: toRecord(parsed.data, config), ...(warnings.length > 0 ? { warnings } : {}) };
  };
}

/**
 * The OMS preset: private customers are PERSONs, business customers COMPANYs, listed
 * from their two collections as one snapshot (an id in both is rejected), looked up by id in both (an id
 * found in both is an error, never a merge), and pushed to the collection of its type:
 * POST to create, PUT to update.
 */
export function createOmsConnector(name: string, config: OmsConnectorConfig): Connector {
  const collections: Collection[] = [
    { type: 'PERSON' as const, path: config.privateCustomersPath, toRecord: mapper(omsPrivateCustomerSchema, privateCustomerToRecord, config) },
    { type: 'COMPANY' as const, path: config.businessCustomersPath, toRecord: mapper(omsBusinessCustomerSchema, businessCustomerToRecord, config, (c) => businessCustomerRelations(c).warnings) },
  ].filter((c) => config.customerTypes.includes(c.type));

  const request = (): HttpRequestOptions => {
    const { headers, secrets } = authHeaders(name, config.auth);
    return { connector: name, headers, secrets, timeoutMs: config.timeout };
  };
  const url = (path: string, id?: string) =>
    new URL(config.baseUrl.replace(/\/$/, '') + path + (id === undefined ? '' : `/${encodeURIComponent(id)}`));
  const listing = `GET ${collections.map((c) => c.path).join(' + ')}`;

  return {
    name,
    type: 'oms',
    consumesInputs: false,
    listInputs(): Promise<ConnectorInput[]> {
      return Promise.resolve([{ name: listing, checksum: 'live', kind: config.kind }]);
    },
    /** Both collections are one snapshot: one input, read collection after collection; the cursor says where. */
    async *read(input: ConnectorInput, options: ReadOptions): AsyncIterable<ConnectorPage> {
      const start: ListingCursor = options.cursor ? (JSON.parse(options.cursor) as ListingCursor) : { part: 0 };
      for (let part = start.part; part < collections.length; part++) {
        const collection = collections[part]!;
        const pages = readHttpListing(
          { inputName: `GET ${collection.path}`, config: { ...config, path: collection.path }, request: request(), mapItem: collection.toRecord },
          part === start.part ? start.page : undefined,
        );
        for await (const page of pages) {
          const fragments = page.fragments.map((f) => ({ ...f, seq: part * PART_STRIDE + f.seq }));
          yield { ...page, fragments, cursor: JSON.stringify({ part, page: page.cursor } satisfies ListingCursor) };
        }
      }
    },
    async lookup(externalId: string): Promise<CustomerRecord | undefined> {
      const options = request();
      const found = await Promise.all(
        collections.map(async (c) => {
          const answer = await requestJson('GET', url(c.path, externalId), { ...options, notFound: 'answer' });
          if (answer.status === 404) return undefined;
          const mapped = c.toRecord(answer.body);
          if (!mapped.ok) {
            throw new InputError(`connector ${name}: GET ${endpointOf(url(c.path, externalId))}: ${mapped.problem.reason}`);
          }
          return { collection: c, record: mapped.record };
        }),
      );
      const hits = found.filter((f) => f !== undefined);
      if (hits.length > 1) {
        throw new InputError(
          `connector ${name}: customer ${externalId} is both a private and a business customer in the OMS; ` +
            'one id cannot be both a PERSON and a COMPANY: remove one of them in the OMS',
        );
      }
      return hits[0]?.record;
    },
    async push(customer: OutboundCustomer): Promise<PushResult> {
      const collection = collections.find((c) => c.type === customer.type);
      if (!collection) throw new InputError(`connector ${name} does not take ${customer.type} customers (customerTypes)`);
      const body = customer.type === 'PERSON' ? toOmsPrivateCustomer(customer, config) : toOmsBusinessCustomer(customer, config);
      let method: 'POST' | 'PUT' = customer.externalId ? 'PUT' : 'POST';
      let answer = await requestJson(method, url(collection.path), { ...request(), body, conflict: method === 'POST' ? 'answer' : 'fail' });
      if (answer.status === 409 && method === 'POST') {
        // The OMS has this id already: a create whose answer was lost (a worker stopped mid-push). Update it instead.
        method = 'PUT';
        answer = await requestJson(method, url(collection.path), { ...request(), body });
      }
      const parsed = pushAnswerSchema.safeParse(answer.body);
      if (!parsed.success && answer.body !== undefined) {
        throw new InputError(
          `connector ${name}: ${method} ${endpointOf(url(collection.path))}: the answer has no customerId: ${JSON.stringify(answer.body).slice(0, 200)}`,
        );
      }
      return { externalId: parsed.data?.customerId ?? body.customerId, action: customer.externalId ? 'updated' : 'created' };
    },
  };
}
