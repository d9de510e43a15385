import { cliActor } from '../cli-actor.js';
import { describeDuplicateReasons } from '../../domain/duplicate-reasons.js';
import { Command, Option } from 'commander';
import type { LoadedConfig } from '../../config/load-config.js';
import { approveHeldCustomers, listHeldCustomers, rejectHeldCustomers, showHeldCustomer } from '../../operations/review.js';
import type { CliContext } from '../cli-context.js';
import { diffLines } from '../format-preview.js';

const reviewHelp = `A flow with reviewNewCustomers: true holds the customers its source would create
for the data team instead of creating them; updates of existing customers still apply.
A held customer that a later file changes stays held, with the newer data.
list:    customers waiting for review (--status approved|rejected for decided ones)
show:    one held customer, item by item, as approving would create it
approve: create them, exactly as the run that held them would have
reject:  do not create them; they are held again only when a file brings different data`;

type Status = 'pending' | 'approved' | 'rejected';

/** `custsync review`: list, show, approve, reject. */
export function reviewCommand(ctx: CliContext): Command {
  const review = new Command('review')
    .description("new customers held for the data team's review (flows with reviewNewCustomers)")
    .addHelpText('after', `\n${reviewHelp}`);
  review
    .command('list')
    .description('customers waiting for review')
    .option('--flow <flow>', 'of one flow')
    .addOption(new Option('--status <status>', 'decided ones instead').choices(['pending', 'approved', 'rejected']))
    .option('--json', 'as JSON')
    .action((o: { flow?: string; status?: Status; json?: boolean }) =>
      ctx.withDatabase(async ({ db }) => {
        const held = await listHeldCustomers({ db }, o);
        if (o.json) return console.log(JSON.stringify(held, null, 2));
        if (held.length === 0) return console.log(`no customer is ${o.status ?? 'pending'} review${o.flow ? ` in flow ${o.flow}` : ''}`);
        for (const c of held) console.log(`${c.flow}  ${c.code}  ${c.name}  (${c.status}; held by ${c.heldRunId} at ${c.heldAt})`);
        if (!o.status || o.status === 'pending') console.log('decide: custsync review approve <code…>   or   custsync review reject <code…>');
      }),
    );
  review
    .command('show')
    .description('one held customer, item by item, as approving would create it')
    .argument('<code>', 'its customer code (source external id)')
    .option('--flow <flow>', 'when the code is held in several flows')
    .option('--json', 'as JSON')
    .action((code: string, o: { flow?: string; json?: boolean }) =>
      ctx.withDatabase(async ({ db }) => {
        const { items, ...held } = await showHeldCustomer({ db }, code, o);
        if (o.json) return console.log(JSON.stringify(held, null, 2));
        console.log(`${held.code}  ${held.name}  (flow ${held.flow}, ${held.status}; held by ${held.heldRunId} at ${held.heldAt})`);
        for (const d of items) for (const line of diffLines(d)) console.log(`  ${line}`);
        if (held.likelyDuplicates.length > 0) console.log('may already exist as:');
        for (const d of held.likelyDuplicates) console.log(`  ${d.strength}: ${d.name} [${d.source}] customer ${d.customerId}: ${describeDuplicateReasons(d)}`);
      }),
    );
  review
    .command('approve')
    .description('create them as the run that held them would have')
    .argument('<code...>', 'customer codes')
    .option('--flow <flow>', 'when a code is held in several flows')
    .action(async (codes: string[], o: { flow?: string }) => {
      // Approving needs no config; pushing the new customers where the flow pushes does.
      let loaded: LoadedConfig | undefined;
      try {
        loaded = ctx.config();
      } catch (error) {
        console.error(`not queued for push (the config cannot be read: ${(error as Error).message.split('\n')[0]})`);
      }
      const push = loaded ? { client: () => ctx.client(), temporal: ctx.temporal, config: loaded.config } : undefined;
      const approved = await ctx.withDatabase(({ db }) => approveHeldCustomers({ db, ...(push ? { push } : {}) }, codes, { ...o, by: cliActor() }));
      for (const c of approved.created) console.log(`created ${c.code} (customer ${c.customerId})`);
      if (approved.queuedFor.length > 0) console.log(`queued for push to ${approved.queuedFor.join(', ')}`);
    });
  review
    .command('reject')
    .description('do not create them')
    .argument('<code...>', 'customer codes')
    .option('--flow <flow>', 'when a code is held in several flows')
    .action((codes: string[], o: { flow?: string }) =>
      ctx.withDatabase(async ({ db }) => {
        await rejectHeldCustomers({ db }, codes, { ...o, by: cliActor() });
        for (const code of codes) console.log(`rejected ${code}`);
      }),
    );
  return review;
}
