import type { FastifyRequest } from 'fastify';
import type { ConsoleRole, ConsoleSettings } from '../../config/console-settings.js';
import { verifyPassword } from './password-hash.js';

/** The person a console request is made by. */
export interface ConsoleUser {
  name: string;
  role: ConsoleRole;
  /** How they signed in. */
  via: 'password' | 'header';
}

/** How a console decision names who made it (change log, review, deletions, signals). */
export const actorOf = (user: ConsoleUser): string => `user:${user.name}`;

/** A hash checked when the name is unknown, so that a wrong name takes as long as a wrong password. */
const UNKNOWN_USER_HASH = 'scrypt$32768$8$1$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=';

/** The user a name and password sign in as, or undefined. */
export async function signIn(settings: ConsoleSettings, name: string, password: string): Promise<ConsoleUser | undefined> {
  const user = Object.hasOwn(settings.users, name) ? settings.users[name] : undefined;
  const ok = await verifyPassword(password, user?.passwordHash ?? UNKNOWN_USER_HASH);
  return ok && user?.passwordHash ? { name, role: user.role, via: 'password' } : undefined;
}

/** The user the trusted single-sign-on header names, when the console trusts one. */
export function userFromHeader(settings: ConsoleSettings, request: FastifyRequest): ConsoleUser | undefined {
  const trusted = settings.trustedHeader;
  if (!trusted) return undefined;
  const value = request.headers[trusted.name.toLowerCase()];
  const name = (Array.isArray(value) ? value[0] : value)?.trim().toLowerCase();
  if (!name) return undefined;
  const configured = Object.hasOwn(settings.users, name) ? settings.users[name] : undefined;
  return { name, role: configured?.role ?? trusted.defaultRole, via: 'header' };
}

/** A configured user's password hash, or undefined (no such user, or one who signs in only through the trusted header). */
export function passwordHashOf(settings: ConsoleSettings, name: string): string | undefined {
  return Object.hasOwn(settings.users, name) ? settings.users[name]!.passwordHash : undefined;
}

/** The user a session names, while that user is still configured (with their role as configured now). */
export function userFromSession(settings: ConsoleSettings, name: unknown): ConsoleUser | undefined {
  if (typeof name !== 'string' || !Object.hasOwn(settings.users, name)) return undefined;
  const user = settings.users[name]!;
  return user.passwordHash ? { name, role: user.role, via: 'password' } : undefined;
}
