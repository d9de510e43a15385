import { execFile } from 'node:child_process';
import { chmodSync, chownSync, copyFileSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freeStablePort } from '../../src/tooling/free-port.js';

const run = promisify(execFile);

/** A PostgreSQL cluster a test starts for itself, so that restarting it disturbs no other test. */
export interface PrivatePostgres {
  /** `postgres://…` of its `postgres` database (trust authentication on 127.0.0.1). */
  url: string;
  /** Stops the server at once (as a crash would: `immediate`), waits `downMs`, starts it again on the same port. */
  restart(downMs: number): Promise<void>;
  stop(): Promise<void>;
}

/** The newest server binaries of Debian's packaging (scripts/ensure-postgres.sh installs them). */
function binaries(): string {
  const versions = readdirSync('/usr/lib/postgresql').sort((a, b) => Number(b) - Number(a));
  if (versions.length === 0) throw new Error('no PostgreSQL under /usr/lib/postgresql: run scripts/ensure-postgres.sh');
  return join('/usr/lib/postgresql', versions[0]!, 'bin');
}

/** Runs a server binary as the `postgres` user (PostgreSQL refuses to run as root). */
async function asPostgres(command: string, args: string[]): Promise<void> {
  if (process.getuid?.() === 0) await run('runuser', ['-u', 'postgres', '--', command, ...args]);
  else await run(command, args);
}

async function postgresUser(): Promise<{ uid: number; gid: number }> {
  const [{ stdout: uid }, { stdout: gid }] = await Promise.all([run('id', ['-u', 'postgres']), run('id', ['-g', 'postgres'])]);
  return { uid: Number(uid.trim()), gid: Number(gid.trim()) };
}

/**
 * Creates and starts a throw-away cluster on a free loopback port; with `tls`, it also accepts
 * TLS connections with that certificate (PEM files).
 */
export async function startPrivatePostgres(options: { tls?: { cert: string; key: string } } = {}): Promise<PrivatePostgres> {
  const bin = binaries();
  const dir = mkdtempSync(join(tmpdir(), 'custsync-pg-'));
  const owner = process.getuid?.() === 0 ? await postgresUser() : undefined;
  if (owner) chownSync(dir, owner.uid, owner.gid);
  let tlsOptions = '';
  if (options.tls) {
    const [cert, key] = [join(dir, 'server.crt'), join(dir, 'server.key')];
    copyFileSync(options.tls.cert, cert);
    copyFileSync(options.tls.key, key);
    chmodSync(key, 0o600);
    if (owner) for (const file of [cert, key]) chownSync(file, owner.uid, owner.gid);
    tlsOptions = ` -c ssl=on -c ssl_cert_file=${cert} -c ssl_key_file=${key}`;
  }
  const data = join(dir, 'data');
  // Outside the ephemeral range: while it restarts, no other connection can take its port.
  const port = await freeStablePort();
  await asPostgres(join(bin, 'initdb'), ['-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync']);
  const serverOptions = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off${tlsOptions}`;
  const start = () => asPostgres(join(bin, 'pg_ctl'), ['-D', data, '-o', serverOptions, '-l', join(dir, 'log'), '-w', 'start']);
  const stop = (mode: 'immediate' | 'fast') => asPostgres(join(bin, 'pg_ctl'), ['-D', data, '-m', mode, '-w', 'stop']);
  await start();
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    async restart(downMs) {
      await stop('immediate');
      await new Promise((resolve) => setTimeout(resolve, downMs));
      await start();
    },
    async stop() {
      await stop('fast').catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
