import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import { PASSWORD_HASH_PATTERN } from '../../config/console-settings.js';

const derive = (password: string, salt: Buffer, length: number, options: ScryptOptions) =>
  new Promise<Buffer>((resolve, reject) => scrypt(password.normalize('NFC'), salt, length, options, (error, key) => (error ? reject(error) : resolve(key))));

/** Cost of new hashes: N=2^15, r=8, p=1 (about 32 MiB and 50–100 ms per check). */
const COST = { N: 32_768, r: 8, p: 1 } as const;

const maxmemOf = (N: number, r: number) => 128 * N * r * 2;

/** A password's scrypt hash in the form the config takes (`console.users.<name>.passwordHash`). */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await derive(password, salt, 32, { ...COST, maxmem: maxmemOf(COST.N, COST.r) });
  return `scrypt$${COST.N}$${COST.r}$${COST.p}$${salt.toString('base64')}$${key.toString('base64')}`;
}

/** Whether `password` is the one `stored` is the hash of; compared in constant time. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const match = PASSWORD_HASH_PATTERN.exec(stored);
  if (!match) return false;
  const [N, r, p] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const expected = Buffer.from(match[5]!, 'base64');
  const key = await derive(password, Buffer.from(match[4]!, 'base64'), expected.length, { N, r, p, maxmem: maxmemOf(N, r) });
  return timingSafeEqual(key, expected);
}
