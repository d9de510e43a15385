import { randomBytes } from 'node:crypto';

/** Who writes through the customer API: the token's system (a connector in provenance) and the token itself. */
export interface ApiWriter {
  /** The connector the written values are attributed to (the token's `system`). */
  system: string;
  /** The token's name, recorded as the change's actor (`token:<name>`). */
  token: string;
  /** The token may write as any connector and purge. */
  admin: boolean;
}

/** The change-log actor of a writer. */
export const actorOf = (writer: ApiWriter): string => `token:${writer.token}`;

/**
 * A fresh id for one API write: it stands where a run id stands in provenance and the change
 * log (`api/<system>/<time><random>`), so every value still names where it came from.
 */
export function newWriteId(system: string): string {
  return `api/${system}/${Date.now().toString(36)}${randomBytes(6).toString('hex')}`;
}
