import { createHash, randomBytes } from 'node:crypto';
import {
  endConsoleSession,
  endUserConsoleSessions,
  insertConsoleSession,
  liveConsoleSession,
  touchConsoleSession,
  type StoredConsoleSession,
} from '../db/repositories/console-sessions.js';
import type { OperationDeps } from './operation-deps.js';

/** How long console sessions last. */
export interface SessionLimits {
  /** Hours from sign-in. */
  sessionHours: number;
  /** Minutes without a request. */
  sessionIdleMinutes: number;
}

/** Why a stored session no longer signs anyone in, or `live`. */
export type SessionVerdict = 'live' | 'expired' | 'idle' | 'password-changed' | 'user-removed';

/** A session is last noted as used at most this often, so that pages do not each write. */
const TOUCH_EVERY_MS = 60_000;

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** What a session remembers of the password it was started with: a changed password ends it. */
export const passwordFingerprint = (passwordHash: string): string => sha256(`console-password:${passwordHash}`).slice(0, 32);

/** Whether a stored session still signs its user in, given the user's password hash as configured now. */
export function sessionVerdict(session: StoredConsoleSession, currentPasswordHash: string | undefined, limits: SessionLimits, now: Date): SessionVerdict {
  if (currentPasswordHash === undefined) return 'user-removed';
  if (passwordFingerprint(currentPasswordHash) !== session.passwordFingerprint) return 'password-changed';
  if (now.getTime() - session.createdAt.getTime() > limits.sessionHours * 3_600_000) return 'expired';
  if (now.getTime() - session.lastSeenAt.getTime() > limits.sessionIdleMinutes * 60_000) return 'idle';
  return 'live';
}

/** Starts a session for a user who signed in; the id its cookie carries (only its hash is stored). */
export async function startConsoleSession({ db }: Pick<OperationDeps, 'db'>, userName: string, passwordHash: string): Promise<string> {
  const id = randomBytes(32).toString('base64url');
  await insertConsoleSession(db, sha256(id), userName, passwordFingerprint(passwordHash));
  return id;
}

/**
 * The user a session id signs in, or undefined: an unknown, ended, expired or idle session,
 * or one whose user's password changed or who is no longer configured (then it is ended).
 */
export async function resumeConsoleSession(
  { db }: Pick<OperationDeps, 'db'>,
  id: string,
  passwordHashOf: (userName: string) => string | undefined,
  limits: SessionLimits,
  now = new Date(),
): Promise<string | undefined> {
  const idHash = sha256(id);
  const session = await liveConsoleSession(db, idHash);
  if (!session) return undefined;
  const verdict = sessionVerdict(session, passwordHashOf(session.userName), limits, now);
  if (verdict !== 'live') {
    await endConsoleSession(db, idHash, verdict);
    return undefined;
  }
  if (now.getTime() - session.lastSeenAt.getTime() > TOUCH_EVERY_MS) await touchConsoleSession(db, idHash);
  return session.userName;
}

/** Ends the session a cookie carries (sign-out). */
export async function endOwnConsoleSession({ db }: Pick<OperationDeps, 'db'>, id: string): Promise<void> {
  await endConsoleSession(db, sha256(id), 'signed-out');
}

/** Ends every session of a user at once (an admin revoking their access); how many were live. */
export async function endConsoleSessionsOf({ db }: Pick<OperationDeps, 'db'>, userName: string, by: string): Promise<number> {
  return endUserConsoleSessions(db, userName, `ended by ${by}`);
}
