import { z } from 'zod';
import { durationSchema } from '../../domain/duration-schema.js';
import { environmentVariableName } from '../environment-secret.js';

/** How requests authenticate; every secret is the name of an environment variable. */
export const httpAuthSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('none') }),
  z.strictObject({ type: z.literal('bearer'), tokenEnv: environmentVariableName }),
  z.strictObject({ type: z.literal('basic'), username: z.string().min(1), passwordEnv: environmentVariableName }),
  /** An API key sent in a header, e.g. `X-Api-Key`. */
  z.strictObject({ type: z.literal('apiKey'), header: z.string().min(1), valueEnv: environmentVariableName }),
]);

/** How the listing is paged. */
export const httpPaginationSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('none') }),
  /** `?page=1&pageSize=100`, then page 2, … until a page has fewer items than asked for. */
  z.strictObject({
    type: z.literal('page'),
    pageParam: z.string().default('page'),
    sizeParam: z.string().default('pageSize'),
    firstPage: z.number().int().min(0).default(1),
  }),
  /** `?offset=0&limit=100`, then offset 100, … until a page has fewer items than asked for. */
  z.strictObject({ type: z.literal('offset'), offsetParam: z.string().default('offset'), limitParam: z.string().default('limit') }),
  /** The response names the next page's cursor at `nextCursorPath`; it is sent as `cursorParam`; none means done. */
  z.strictObject({
    type: z.literal('cursor'),
    cursorParam: z.string().default('cursor'),
    nextCursorPath: z.string().min(1).default('nextCursor'),
    sizeParam: z.string().default('limit'),
  }),
  /** The `Link: <…>; rel="next"` response header holds the next page's URL. */
  z.strictObject({ type: z.literal('link'), sizeParam: z.string().default('per_page') }),
]);

export const httpConnectorSchema = z.strictObject({
  type: z.literal('http'),
  /** The API's base URL, e.g. `https://oms.example.com/api/v1`. */
  baseUrl: z.url(),
  /** The listing endpoint under the base URL; default `/customers`. */
  path: z.string().startsWith('/').default('/customers'),
  auth: httpAuthSchema.default({ type: 'none' }),
  pagination: httpPaginationSchema.default({ type: 'none' }),
  /** Dot path of the items array in a response body; `''` when the body is the array; default `items`. */
  itemsPath: z.string().default('items'),
  /** Items asked for per page; default 100. */
  pageSize: z.number().int().min(1).max(10_000).default(100),
  /** One request may take this long; default 30s. */
  timeout: durationSchema.default(30_000),
  /**
   * Customer record field → dot path in an item, e.g. `{ externalId: id, "name.companyName": company }`.
   * Default: each item is a customer record as it is.
   */
  fields: z.record(z.string().min(1), z.string().min(1)).optional(),
  /** Whether a listing holds every customer (`full`, default) or only changed ones (`delta`). */
  kind: z.enum(['full', 'delta']).default('full'),
  /**
   * Incremental listings: a flow's first run lists everything; later runs list only the
   * customers changed since the previous completed run began, sending its start time
   * (ISO 8601) as `sinceParam`, e.g. `updatedSince`.
   */
  incremental: z.strictObject({ sinceParam: z.string().min(1) }).optional(),
});

/** An `http` connector as configured. */
export type HttpConnectorConfig = z.infer<typeof httpConnectorSchema>;
