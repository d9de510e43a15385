import { spawn, spawnSync } from 'node:child_process';
import { createInterface } from 'node:readline';
import { startApiSandbox } from './api-sandbox.js';

/**
 * `npm run test:api-fuzz`: Schemathesis (scripts/install-schemathesis.sh) generates requests from
 * `/api/v1/openapi.json` and checks every answer — no 5xx, every answer as documented, nothing
 * accepted that the schema forbids — against a sandboxed API on 127.0.0.1, bounded in examples
 * per operation (`CUSTSYNC_API_FUZZ_EXAMPLES`, default 25) and in time (`CUSTSYNC_API_FUZZ_SECONDS`, default 240).
 * `CUSTSYNC_API_FUZZ_CHECKS=all` runs every Schemathesis check (the stateful phase is on by default).
 */
const examples = Number(process.env.CUSTSYNC_API_FUZZ_EXAMPLES ?? 25);
const seconds = Number(process.env.CUSTSYNC_API_FUZZ_SECONDS ?? 240);
const checks = process.env.CUSTSYNC_API_FUZZ_CHECKS ?? 'not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance,negative_data_rejection';
const log = (line: string) => process.stderr.write(`[api-fuzz] ${line}\n`);

/**
 * Schemathesis closes with pytest's banner (`=== 1 warning in 60.32s ===`), which a CI log reader
 * takes for a pytest run that executed no test. Its banners are printed as plain section titles, and
 * the closing one as a line of this script's own.
 */
function relayed(line: string): string {
  const title = /^=+ (.+?) =+$/.exec(line.trim())?.[1];
  if (title === undefined) return line;
  const closing = /^(.*) in ([\d.]+)s$/.exec(title);
  return closing ? `[api-fuzz] schemathesis finished after ${closing[2]} s (${closing[1]})` : `--- ${title} ---`;
}

const install = spawnSync('bash', ['scripts/install-schemathesis.sh'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
if (install.status !== 0) throw new Error('could not install Schemathesis (scripts/install-schemathesis.sh)');
const st = install.stdout.trim();

/**
 * CPython 3.11's `ast.parse`, which Hypothesis calls from Schemathesis's worker threads to describe
 * its filters, is not thread-safe: it sometimes fails with this. The interpreter's fault, not the
 * API's: such a run is made once more.
 */
const INTERPRETER_RACE = 'AST constructor recursion depth mismatch';

/** One Schemathesis run against the sandbox: its exit status, and whether it hit {@link INTERPRETER_RACE}. */
async function runSchemathesis(baseUrl: string, token: string): Promise<{ status: number; interpreterRace: boolean }> {
  let interpreterRace = false;
  // Asynchronous: the API answers from this very process.
  const child = spawn(
    st,
    [
      '--config-file',
      'bench/schemathesis.toml',
      'run',
      `${baseUrl}/api/v1/openapi.json`,
      '--header',
      `Authorization: Bearer ${token}`,
      '--checks',
      checks,
      '--max-examples',
      String(examples),
      '--max-time',
      String(seconds),
      '--workers',
      '2',
      // Run ids hold slashes a path parameter cannot: most generated ids are filtered out, as they should be.
      '--suppress-health-check',
      'filter_too_much',
      '--seed',
      process.env.CUSTSYNC_API_FUZZ_SEED ?? '20261130',
      '--no-color',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  createInterface({ input: child.stdout }).on('line', (line) => {
    if (line.includes(INTERPRETER_RACE)) interpreterRace = true;
    process.stdout.write(`${relayed(line)}\n`);
  });
  createInterface({ input: child.stderr }).on('line', (line) => {
    if (line.includes(INTERPRETER_RACE)) interpreterRace = true;
    process.stderr.write(`${line}\n`);
  });
  const guard = setTimeout(() => {
    log(`schemathesis still running after ${seconds + 120} s: stopped`);
    child.kill('SIGTERM');
  }, (seconds + 120) * 1000);
  const status = await new Promise<number>((resolve) => child.once('close', (code) => resolve(code ?? 1)));
  clearTimeout(guard);
  return { status, interpreterRace };
}

const sandbox = await startApiSandbox({ tokens: { fuzz: { system: 'fuzz', scopes: ['read', 'write', 'admin'] } }, log });
let status: number;
try {
  log(`schemathesis: checks ${checks}; up to ${examples} examples per operation, at most ${seconds} s`);
  let run = await runSchemathesis(sandbox.baseUrl, sandbox.tokens.fuzz!);
  if (run.status !== 0 && run.interpreterRace) {
    log(`schemathesis failed on Python's own "${INTERPRETER_RACE}" (a thread-safety bug of CPython 3.11's ast module): running it once more`);
    run = await runSchemathesis(sandbox.baseUrl, sandbox.tokens.fuzz!);
  }
  status = run.status;
} finally {
  await sandbox.close();
}
process.exit(status);
