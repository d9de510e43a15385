import { z } from 'zod';
import { durationSchema } from '../../domain/duration-schema.js';
import { httpAuthSchema, httpPaginationSchema } from '../http/http-config.js';

/**
 * An OMS-style commerce API with private (PERSON) and business (COMPANY) customers,
 * mapped as reference 002 describes in both directions.
 */
export const omsConnectorSchema = z.strictObject({
  type: z.literal('oms'),
  /** The API's base URL, e.g. `https://oms.example.com/api`. */
  baseUrl: z.url(),
  auth: httpAuthSchema.default({ type: 'none' }),
  /** Private customers' collection; default `/Customers/PrivateCustomers`. */
  privateCustomersPath: z.string().startsWith('/').default('/Customers/PrivateCustomers'),
  /** Business customers' collection; default `/Customers/BusinessCustomers`. */
  businessCustomersPath: z.string().startsWith('/').default('/Customers/BusinessCustomers'),
  /** Which kinds of customer the connector lists, looks up and pushes; default both. */
  customerTypes: z
    .array(z.enum(['PERSON', 'COMPANY']))
    .min(1)
    .refine((types) => new Set(types).size === types.length, 'lists a customer type twice')
    .default(['PERSON', 'COMPANY']),
  /** The market group sent with every pushed customer, and part of the last loyalty-id key (`OMNIUM_CUSTOMER_MARKET_GROUP_ID`). */
  marketGroupId: z.string().min(1).optional(),
  /** The tenant's country (ISO 3166 alpha-2): pushed as the address country when a customer's address has none. */
  tenantCountry: z
    .string()
    .regex(/^[A-Z]{2}$/, 'must be a two-letter ISO 3166 country code in capitals, e.g. SE')
    .optional(),
  /**
   * The external-id key the loyalty id is read from first (`OMNIUM_CUSTOMER_LOYALTY_ID_PROPERTY_KEY`);
   * then `Voyado`, `VoyadoContactId` and `{marketGroupId}_VoyadoContactId` are tried in that order.
   */
  loyaltyIdKey: z.string().min(1).optional(),
  /** Listing pages; default `?page=1&pageSize=…`. */
  pagination: httpPaginationSchema.default({ type: 'page', pageParam: 'page', sizeParam: 'pageSize', firstPage: 1 }),
  /** Dot path of the customers array in a listing response; default `result`. */
  itemsPath: z.string().default('result'),
  /** Customers asked for per page; default 100. */
  pageSize: z.number().int().min(1).max(10_000).default(100),
  /** One request may take this long; default 30s. */
  timeout: durationSchema.default(30_000),
  /** Whether a listing holds every customer (`full`, default) or only changed ones (`delta`). */
  kind: z.enum(['full', 'delta']).default('full'),
});

/** An `oms` connector as configured. */
export type OmsConnectorConfig = z.infer<typeof omsConnectorSchema>;
