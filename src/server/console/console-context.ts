import type { ConsoleRole, ConsoleSettings } from '../../config/console-settings.js';
import type { OperationDeps } from '../../operations/operation-deps.js';
import type { ConsoleUser } from './console-auth.js';
import type { ConsoleLinks } from '../../domain/console-links.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The signed-in console user (set on every console page but the sign-in page). */
    consoleUser?: ConsoleUser;
  }
  interface FastifyContextConfig {
    /** The least role a console route needs; default viewer. */
    role?: ConsoleRole;
    /** A console route open without signing in (the sign-in page). */
    open?: boolean;
  }
}

declare module '@fastify/secure-session' {
  interface SessionData {
    /** The signed-in user's name. */
    user: string;
    /** The server-side session's id (console_sessions holds its hash). */
    sid: string;
    /** A message shown once, on the next page. */
    flash: string;
    /** The secret CSRF tokens are made from (@fastify/csrf-protection). */
    _csrf: string;
  }
}

/** What console pages work with. */
export interface ConsoleDeps {
  ops: Pick<OperationDeps, 'db' | 'client' | 'temporal' | 'config'>;
  settings: ConsoleSettings;
  links: ConsoleLinks;
}
