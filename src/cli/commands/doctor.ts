import { Client } from '@temporalio/client';
import { Command } from 'commander';
import type { CustsyncConfig } from '../../config/config-schema.js';
import { openDatabase } from '../../db/open-database.js';
import { runDoctor, type DoctorCheck } from '../../operations/doctor/doctor-checks.js';
import { ApiTokenError, resolveApiTokens } from '../../server/api-tokens.js';
import { SessionKeyError, sessionKeyFrom } from '../../server/console/session-key.js';
import type { CliContext } from '../cli-context.js';
import { positiveInt } from '../cli-options.js';
import { connectTemporal } from '../connect-temporal.js';

const doctorHelp = `Checks, in order, what this deployment needs, and prints each with ✓ or ✗ and the fix:
  config            the config file is valid
  database          DATABASE_URL answers            migrations   none pending
  temporal          Temporal answers                namespace    it exists
  worker            a worker polls the task queue   schedules    Temporal's match the config
  connectors        each connector's folders, files and servers answer
  download folders  each SFTP download folder is writable, with room
  secrets           the console's session key and every API token variable are set
Exits 0 when every check holds, 1 otherwise.`;

/** Secrets `serve` reads from the environment that are missing or malformed. */
function secretProblems(config: CustsyncConfig): string[] {
  const problems: string[] = [];
  if (config.console.enabled) {
    const variable = config.console.sessionKeyVariable;
    try {
      if (sessionKeyFrom(variable).ephemeral) problems.push(`${variable} is not set: serve would make a new session key at each start, signing everyone out (openssl rand -hex 32)`);
    } catch (error) {
      if (!(error instanceof SessionKeyError)) throw error;
      problems.push(error.message);
    }
  }
  try {
    resolveApiTokens(config.api);
  } catch (error) {
    if (!(error instanceof ApiTokenError)) throw error;
    problems.push(...error.problems);
  }
  return problems;
}

function formatCheck(c: DoctorCheck): string {
  const mark = c.ok ? '✓' : c.skipped ? '-' : '✗';
  return `${mark} ${c.check}: ${c.detail}${c.fix ? `\n    fix: ${c.fix}` : ''}`;
}

/** `custsync doctor`. */
export function doctorCommand(ctx: CliContext): Command {
  return new Command('doctor')
    .description('check the config, the database, Temporal, workers, schedules, connectors and secrets; say how to fix each problem')
    .option('--json', 'as JSON')
    .option('--min-free-mb <n>', 'free space each download folder needs', positiveInt, 1024)
    .addHelpText('after', `\n${doctorHelp}`)
    .action(async (o: { json?: boolean; minFreeMb: number }) => {
      const checks = await runDoctor(
        {
          loadConfig: () => ctx.config(),
          temporalSettings: (config) => ctx.temporalWith(config?.temporal),
          openDatabase: () => openDatabase({ migrate: false, max: 1 }),
          connectTemporal: async (settings) => new Client({ connection: await connectTemporal(settings), namespace: settings.namespace }),
          secretProblems,
        },
        { minFreeBytes: o.minFreeMb * 1024 ** 2 },
      );
      const ok = checks.every((c) => c.ok);
      if (o.json) console.log(JSON.stringify({ ok, checks }, null, 2));
      else console.log(checks.map(formatCheck).join('\n'));
      if (!ok) process.exitCode = 1;
    });
}
