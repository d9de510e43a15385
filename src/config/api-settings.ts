import { z } from 'zod';
import { duplicateSettingsSchema } from './duplicate-settings-schema.js';
import { survivorshipSchema } from './survivorship-schema.js';

/** What an API token may do: `read` customers and runs, `write` customers, `admin`: purge customers. */
export const API_SCOPES = ['read', 'write', 'admin'] as const;
export type ApiScope = (typeof API_SCOPES)[number];

const systemName = z.string().regex(/^[a-z0-9][a-z0-9-_]*$/, 'use lowercase letters, digits, - and _');

/**
 * One bearer token of the customer API. The token itself is never in the config: either its
 * SHA-256 hash (`sha256`, hex) or the environment variable holding it (`tokenEnv`).
 */
export const apiTokenSchema = z
  .strictObject({
    /** The system writing with this token: the connector its values are attributed to; default `api`. */
    system: systemName.default('api'),
    /** What the token may do. */
    scopes: z.array(z.enum(API_SCOPES)).min(1),
    /** Hex SHA-256 of the token (`printf %s "$TOKEN" | sha256sum`). */
    sha256: z.string().regex(/^[0-9a-fA-F]{64}$/, 'the hex SHA-256 of the token: 64 hexadecimal digits').optional(),
    /** Environment variable holding the token. */
    tokenEnv: z.string().min(1).optional(),
    /** Requests per minute for this token; default `api.rateLimit`. */
    rateLimit: z.number().int().min(1).optional(),
  })
  .refine((t) => (t.sha256 === undefined) !== (t.tokenEnv === undefined), {
    message: 'give either sha256 (the token’s hex SHA-256) or tokenEnv (the variable holding it), not both and not neither',
  });

/** An origin as a browser sends it: scheme, host and port, nothing after. */
const origin = z
  .string()
  .refine((v) => URL.canParse(v) && new URL(v).origin === v && /^https?:$/.test(new URL(v).protocol), {
    message: 'an origin such as https://app.example.com (scheme, host and optional port; no path, no trailing slash)',
  });

/** Cross-origin access for browser applications; without it the API sends no CORS headers and browsers on other origins are refused. */
export const apiCorsSchema = z.strictObject({
  /** Origins whose pages may call the API (exactly as the browser sends `Origin`). */
  origins: z.array(origin).min(1),
  /** How long a browser may cache a preflight answer, in seconds; default 600. */
  maxAge: z.number().int().min(0).max(86_400).default(600),
});

/** The customer API (`custsync serve`). */
export const apiSettingsSchema = z.strictObject({
  /** Bearer tokens by name; without any, the customer API refuses every request (401). */
  tokens: z.record(systemName, apiTokenSchema).default({}),
  /** Requests per minute per token (per address without one); default 1200. */
  rateLimit: z.number().int().min(1).default(1_200),
  /** Largest request body in bytes; default 1 MiB (bulk upserts: `bulkBodyLimit`). */
  bodyLimit: z.number().int().min(1_024).default(1_048_576),
  /** Largest bulk-upsert body in bytes; default 64 MiB. */
  bulkBodyLimit: z.number().int().min(1_024).default(67_108_864),
  /** Most records in one bulk upsert; default 100,000. */
  bulkMaxRecords: z.number().int().min(1).default(100_000),
  /** How long answers to requests with an `Idempotency-Key` are kept, in days; default 1. */
  idempotencyDays: z.number().int().min(1).default(1),
  /** Browser pages on other origins allowed to call the API; default none (CORS off). */
  cors: apiCorsSchema.optional(),
  /** Check each customer an API write creates or changes for duplicates among all customers; default no check. */
  duplicates: duplicateSettingsSchema.optional(),
  /** Survivorship rules API writes merge by (as a flow's `survivorship`); default: the write's value wins. */
  survivorship: survivorshipSchema.optional(),
});

export type ApiSettings = z.infer<typeof apiSettingsSchema>;
export type ApiTokenConfig = z.infer<typeof apiTokenSchema>;
