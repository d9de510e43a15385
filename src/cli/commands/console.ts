import { Command } from 'commander';
import { hashPassword } from '../../server/console/password-hash.js';
import { CliError } from '../cli-error.js';

const hashHelp = `Reads a password from standard input (its first line) and prints its scrypt hash for
the config, never the password:
  console:
    users:
      ana: { role: reviewer, passwordHash: "<the printed hash>" }
Example:  read -rs PW && printf '%s' "$PW" | custsync console hash-password`;

/** `custsync console`: what setting up the console's users needs. */
export function consoleCommand(): Command {
  const command = new Command('console').description("the console's users: hash a password for the config");
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
  return command;
}
