import { userInfo } from 'node:os';

/** Who a decision made at the terminal is recorded as: `cli:<login>`. */
export function cliActor(): string {
  let login = process.env.USER ?? process.env.LOGNAME;
  try {
    login ??= userInfo().username;
  } catch {
    login ??= 'unknown';
  }
  return `cli:${login}`;
}
