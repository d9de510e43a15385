import { Command } from 'commander';
import { hashPassword } from '../../server/console/password-hash.js';
import { endConsoleSessionsOf } from '../../operations/console-sessions.js';
import { cliActor } from '../cli-actor.js';
import type { CliContext } from '../cli-context.js';
import { CliError } from '../cli-error.js';

const hashHelp = `Reads a password from standard input (its first line) and prints its scrypt hash for
the config, never the password:
  console:
    users:
      ana: { role: reviewer, passwordHash: "<the printed hash>" }
Example:  read -rs PW && printf '%s' "$PW" | custsync console hash-password`;

/** `custsync console`: what setting up the console's users needs. */
export function consoleCommand(ctx: CliContext): Command {
  const command = new Command('console').description("the console's users: hash a password for the config, end a user's sessions");
  command
    .command('hash-password')
    .description('print the scrypt hash of a password read from stdin')
    .addHelpText('after', `\n${hashHelp}`)
    .action(async () => {
      const chunks: Buffer[] = [];
      for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
      const password = Buffer.concat(chunks).toString('utf8').split(/\r?\n/)[0] ?? '';
      if (password.length < 8) throw new CliError('the password on stdin is shorter than 8 characters; pipe a longer one in');
      console.log(await hashPassword(password));
    });
  command
    .command('end-sessions')
    .description("sign a user out everywhere at once (access revoked, a device lost)")
    .argument('<user>', 'the user name in console.users')
    .addHelpText('after', '\nEvery session of the user ends now: their open pages ask them to sign in again.\nTo keep them out, also remove them from console.users (or change their password hash).')
    .action((user: string) =>
      ctx.withDatabase(async ({ db }) => {
        const ended = await endConsoleSessionsOf({ db }, user.trim().toLowerCase(), cliActor());
        console.log(`ended ${ended} session${ended === 1 ? '' : 's'} of ${user}`);
      }),
    );
  return command;
}
