/**
 * `npm run bench:parse`: the flat-file reader on a large generated file — rows per
 * second against a raw line-feed scan of the same file, and peak memory on the full
 * file against a tenth of it (flat memory: the ratio stays near 1). With root and
 * OpenSSH (scripts/ensure-sftp-server.sh), also the SFTP download rate on loopback
 * (resumable, checksummed) against ssh2's own parallel fastGet of the same file.
 */
import { execFile } from 'node:child_process';
import { copyFile, mkdtemp, rm } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { withSftpSession } from '../src/connectors/file-transports/sftp-connection.js';
import { sftpTransport } from '../src/connectors/file-transports/sftp-transport.js';
import { sftpSettingsSchema } from '../src/connectors/file-transports/sftp-settings.js';
import { sftpFolder, startSftpServer } from '../test/support/sftp-server.js';
import { writeReferenceData, writeTemplateFile } from './template-file-writer.js';

const run = promisify(execFile);
const CHILD = fileURLToPath(new URL('./parse-child.ts', import.meta.url));
const MB = 1024 * 1024;
/** Generated customers average 2.5 rows (addresses) each. */
const ROWS_PER_CUSTOMER = 2.5;

interface ChildResult {
  rows: number;
  rejected: number;
  ms: number;
  peakRssBytes: number;
}

async function child(mode: 'parse' | 'scan', file: string, referenceData: string): Promise<ChildResult> {
  const { stdout } = await run(process.execPath, ['--import', 'tsx', CHILD, mode, file, referenceData], { maxBuffer: 1 << 20 });
  return JSON.parse(stdout) as ChildResult;
}

function rowsArg(): number {
  const at = process.argv.indexOf('--rows');
  const value = at >= 0 ? Number(process.argv[at + 1]) : 1_000_000;
  if (!Number.isInteger(value) || value < 10_000) throw new Error('--rows needs a whole number of at least 10000');
  return value;
}

async function sftpRate(file: string): Promise<{ sftpMBps: number; fastGetMBps: number } | undefined> {
  if (process.getuid?.() !== 0 || !existsSync('/usr/sbin/sshd')) return undefined;
  const server = await startSftpServer();
  try {
    const inbox = await sftpFolder(server, 'inbox');
    const name = 'customer_bench.txt';
    await copyFile(file, join(inbox, name));
    process.env.CUSTSYNC_BENCH_SFTP_PASSWORD = server.password;
    const settings = sftpSettingsSchema.parse({
      host: server.host,
      port: server.port,
      username: server.username,
      passwordEnv: 'CUSTSYNC_BENCH_SFTP_PASSWORD',
      hostKeyFingerprint: server.hostKeyFingerprint,
    });
    const downloads = await mkdtemp(join(tmpdir(), 'custsync-bench-downloads-'));
    const transport = sftpTransport('bench', settings, inbox, downloads);
    const [listed] = (await transport.list()).filter((f) => f.name === name);
    let started = performance.now();
    await transport.fetch(listed!);
    const sftpMs = performance.now() - started;
    // Baseline: ssh2's own parallel download (no resume, no checksum) of the same file.
    started = performance.now();
    await withSftpSession('bench', settings, (client) => client.fastGet(join(inbox, name), join(downloads, 'fastget.txt')));
    const fastGetMs = performance.now() - started;
    await rm(downloads, { recursive: true, force: true });
    return { sftpMBps: listed!.size / MB / (sftpMs / 1000), fastGetMBps: listed!.size / MB / (fastGetMs / 1000) };
  } finally {
    await server.stop();
  }
}

const rows = rowsArg();
const dir = await mkdtemp(join(tmpdir(), 'custsync-parse-bench-'));
try {
  const referenceData = join(dir, 'reference-data.json');
  await writeReferenceData(referenceData);
  const full = join(dir, 'customer_full.txt');
  const tenth = join(dir, 'customer_tenth.txt');
  process.stderr.write(`generating ${rows} rows …\n`);
  const fullStats = await writeTemplateFile(full, Math.ceil(rows / ROWS_PER_CUSTOMER));
  await writeTemplateFile(tenth, Math.ceil(rows / 10 / ROWS_PER_CUSTOMER));
  process.stderr.write(`parsing ${fullStats.rows} rows (${(fullStats.bytes / MB).toFixed(0)} MB) …\n`);
  const scan = await child('scan', full, referenceData);
  const parsed = await child('parse', full, referenceData);
  const small = await child('parse', tenth, referenceData);
  const rate = await sftpRate(full);
  const result = {
    rows: parsed.rows,
    rejected: parsed.rejected,
    megabytes: Math.round(fullStats.bytes / MB),
    parseRowsPerSecond: Math.round(parsed.rows / (parsed.ms / 1000)),
    scanRowsPerSecond: Math.round(scan.rows / (scan.ms / 1000)),
    parseVsScan: Number((parsed.ms / scan.ms).toFixed(2)),
    peakRssMB: Math.round(parsed.peakRssBytes / MB),
    peakRssTenthMB: Math.round(small.peakRssBytes / MB),
    peakRssRatio: Number((parsed.peakRssBytes / small.peakRssBytes).toFixed(2)),
    ...(rate && {
      sftpMBps: Math.round(rate.sftpMBps),
      fastGetMBps: Math.round(rate.fastGetMBps),
      sftpVsFastGet: Number((rate.sftpMBps / rate.fastGetMBps).toFixed(2)),
    }),
  };
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  if (parsed.rejected > 0) throw new Error(`${parsed.rejected} generated rows were rejected`);
  if (result.peakRssRatio > 1.5) throw new Error(`memory is not flat: peak RSS ${result.peakRssRatio}× that of a tenth of the file`);
} finally {
  await rm(dir, { recursive: true, force: true });
}
