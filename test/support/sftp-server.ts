import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { inject } from 'vitest';
import { freePort } from '../../src/tooling/free-port.js';

const run = promisify(execFile);

/** The sftp-only account `scripts/ensure-sftp-server.sh` creates. */
export const SFTP_USER = 'custsync-sftp';
const SSHD = '/usr/sbin/sshd';

/** A real OpenSSH sshd on 127.0.0.1 serving SFTP only, for one test file. */
export interface TestSftpServer {
  host: string;
  port: number;
  username: string;
  /** The account's password: one per test run, so that servers of files running at once agree. */
  password: string;
  /** An OpenSSH private key the server accepts. */
  privateKey: string;
  /** `SHA256:…` as `ssh-keygen -lf` prints it. */
  hostKeyFingerprint: string;
  /** An absolute folder the account owns: create inboxes under it. */
  root: string;
  /** Kills every open session (the transfer in flight with it); the server keeps listening. */
  dropSessions(): Promise<number>;
  stop(): Promise<void>;
}

async function uidOf(user: string): Promise<{ uid: number; gid: number }> {
  const [uid, gid] = await Promise.all([run('id', ['-u', user]), run('id', ['-g', user])]);
  return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
}

async function waitForPort(port: number, child: ChildProcess, stderr: () => string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`sshd exited with ${child.exitCode}: ${stderr()}`);
    const open = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (open) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`sshd did not listen on 127.0.0.1:${port} within 10 s: ${stderr()}`);
}

async function descendants(pid: number): Promise<number[]> {
  const { stdout } = await run('pgrep', ['-P', String(pid)]).catch(() => ({ stdout: '' }));
  const children = stdout.split('\n').filter(Boolean).map(Number);
  const nested = await Promise.all(children.map(descendants));
  return [...children, ...nested.flat()];
}

/**
 * Starts sshd with a generated host key, password and public-key authentication for
 * the sftp-only account, and `internal-sftp` forced. Needs root and
 * `scripts/ensure-sftp-server.sh` (which `.ci/run` calls).
 */
export async function startSftpServer(): Promise<TestSftpServer> {
  if (process.getuid?.() !== 0 || !existsSync(SSHD)) {
    throw new Error('the SFTP tests need root and OpenSSH: run scripts/ensure-sftp-server.sh (as .ci/run does)');
  }
  const owner = await uidOf(SFTP_USER).catch(() => {
    throw new Error(`account ${SFTP_USER} is missing: run scripts/ensure-sftp-server.sh`);
  });
  mkdirSync('/run/sshd', { recursive: true });
  const dir = mkdtempSync(join(tmpdir(), 'custsync-sftp-'));
  chmodSync(dir, 0o755);
  const root = join(dir, 'files');
  mkdirSync(root);
  chownSync(root, owner.uid, owner.gid);

  await run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', join(dir, 'host_key')]);
  await run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', join(dir, 'client_key')]);
  writeFileSync(join(dir, 'authorized_keys'), readFileSync(join(dir, 'client_key.pub')));
  chmodSync(join(dir, 'authorized_keys'), 0o644);
  const fingerprint = (await run('ssh-keygen', ['-lf', join(dir, 'host_key.pub')])).stdout.split(' ')[1]!;

  // The account is the machine's, shared by every test file's server: all set the one password of this test run.
  const password = inject('sftpPassword');
  await new Promise<void>((resolve, reject) => {
    const child = spawn('chpasswd', [], { stdio: ['pipe', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`chpasswd failed: ${err}`))));
    child.stdin.end(`${SFTP_USER}:${password}\n`);
  });

  const port = await freePort();
  const config = join(dir, 'sshd_config');
  writeFileSync(
    config,
    [
      `Port ${port}`,
      'ListenAddress 127.0.0.1',
      `HostKey ${join(dir, 'host_key')}`,
      `PidFile ${join(dir, 'sshd.pid')}`,
      `AuthorizedKeysFile ${join(dir, 'authorized_keys')}`,
      'StrictModes no',
      'UsePAM no',
      'PasswordAuthentication yes',
      'KbdInteractiveAuthentication no',
      'PermitRootLogin no',
      `AllowUsers ${SFTP_USER}`,
      'Subsystem sftp internal-sftp',
      'ForceCommand internal-sftp',
      'AllowTcpForwarding no',
      'X11Forwarding no',
      'MaxStartups 50',
      'LogLevel ERROR',
      '',
    ].join('\n'),
  );
  const child = spawn(SSHD, ['-D', '-e', '-f', config], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
  await waitForPort(port, child, () => stderr);

  return {
    host: '127.0.0.1',
    port,
    username: SFTP_USER,
    password,
    privateKey: readFileSync(join(dir, 'client_key'), 'utf8'),
    hostKeyFingerprint: fingerprint,
    root,
    async dropSessions() {
      const pids = await descendants(child.pid!);
      for (const pid of pids) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // already gone
        }
      }
      return pids.length;
    },
    async stop() {
      child.kill('SIGTERM');
      await new Promise((r) => (child.exitCode !== null ? r(undefined) : child.once('exit', r)));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Makes a folder under the server's root that the sftp account owns. */
export async function sftpFolder(server: TestSftpServer, relative: string): Promise<string> {
  const owner = await uidOf(SFTP_USER);
  const path = join(server.root, relative);
  mkdirSync(path, { recursive: true });
  chownSync(path, owner.uid, owner.gid);
  return path;
}
