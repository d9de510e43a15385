import { z } from 'zod';

/** What a console user may do: `viewer` looks; `reviewer` also decides reviews and deletions; `admin` also runs schedules and retries pushes. */
export const CONSOLE_ROLES = ['viewer', 'reviewer', 'admin'] as const;
export type ConsoleRole = (typeof CONSOLE_ROLES)[number];

/** Whether `role` includes the rights of `needed`. */
export function roleAllows(role: ConsoleRole, needed: ConsoleRole): boolean {
  return CONSOLE_ROLES.indexOf(role) >= CONSOLE_ROLES.indexOf(needed);
}

/** `scrypt$<N>$<r>$<p>$<salt, base64>$<key, base64>`, as `custsync console hash-password` prints it. */
export const PASSWORD_HASH_PATTERN = /^scrypt\$(\d+)\$(\d+)\$(\d+)\$([A-Za-z0-9+/]+=*)\$([A-Za-z0-9+/]+=*)$/;

const userName = z.string().regex(/^[a-z0-9][a-z0-9._@-]*$/, 'use lowercase letters, digits, ., _, @ and -');

export const consoleUserSchema = z.strictObject({
  role: z.enum(CONSOLE_ROLES),
  /** The password's scrypt hash (`custsync console hash-password`); without one the user signs in only through `trustedHeader`. */
  passwordHash: z.string().regex(PASSWORD_HASH_PATTERN, 'an scrypt hash as `custsync console hash-password` prints it: scrypt$N$r$p$salt$key').optional(),
});

/** The console `custsync serve` serves at `/`, and the links notifications carry. */
export const consoleSettingsSchema = z.strictObject({
  /** Serve the console; default true. */
  enabled: z.boolean().default(true),
  /** Users by name. */
  users: z.record(userName, consoleUserSchema).default({}),
  /**
   * Behind a single-sign-on proxy: the request header naming the signed-in user, trusted as
   * is. Only for a server reachable through that proxy alone. Default off.
   */
  trustedHeader: z
    .strictObject({
      /** The header, e.g. `X-Forwarded-User`. */
      name: z.string().regex(/^[A-Za-z0-9-]+$/, 'a header name'),
      /** Role of a user the header names who is not in `users`; default viewer. */
      defaultRole: z.enum(CONSOLE_ROLES).default('viewer'),
    })
    .optional(),
  /** The console's address as people reach it (links in notifications; https makes cookies Secure); default the address served. */
  publicUrl: z.url({ protocol: /^https?$/ }).optional(),
  /** The Temporal Web UI, for links to runs; default http://127.0.0.1:8233. */
  temporalUiUrl: z.url({ protocol: /^https?$/ }).default('http://127.0.0.1:8233'),
  /**
   * Environment variable holding the session key (64 hex digits), optional (hence not `...Env`); unset: a new key at each
   * start, which signs everyone out on restart. Default CUSTSYNC_SESSION_KEY.
   */
  sessionKeyVariable: z.string().min(1).default('CUSTSYNC_SESSION_KEY'),
  /** How long a sign-in lasts, in hours; default 12. */
  sessionHours: z.number().min(0.1).max(24 * 30).default(12),
  /** Minutes without a request after which a sign-in ends; default 60. */
  sessionIdleMinutes: z.number().min(1).max(24 * 60 * 30).default(60),
  /** Sign-in attempts per minute per address; default 10. */
  loginRateLimit: z.number().int().min(1).default(10),
});

export type ConsoleSettings = z.infer<typeof consoleSettingsSchema>;
