import { Command, Option } from 'commander';
import { describeDuplicateReasons } from '../../domain/duplicate-reasons.js';
import { DUPLICATE_KEY_KINDS, type DuplicateKeyKind, type DuplicateStrength } from '../../domain/duplicate-settings.js';
import { customerIdOfRef } from '../../operations/customers.js';
import { mergeCustomers, mergeDuplicate, unmergeCustomer, type MergePushDeps } from '../../operations/customer-merges.js';
import { keepApart, listDuplicates, scanDuplicates, showDuplicate, type DuplicateCandidate } from '../../operations/duplicates.js';
import type { ComparedField } from '../../merge/side-by-side.js';
import { cliActor } from '../cli-actor.js';
import type { CliContext } from '../cli-context.js';
import { CliError } from '../cli-error.js';

const duplicatesHelp = `A flow with duplicates: {} checks the customers each run creates or updates
against all customers by shared keys: a normalized email or VAT number (a strong
candidate), a phone in E.164 or a similar name in the same zip or city (a weak one).
list:       pairs waiting for a decision (--status kept-apart|merged for decided ones)
show:       one pair side by side, field by field, each value with its connector
merge:      one customer from the pair: the survivor (the one created first, or
            --survivor) takes the other's external ids and items; the other's id
            and source id lead to the survivor from then on
            merge <survivor> <other> merges two customers (id or connector:external-id)
unmerge:    undo a merge (its id, or the merged customer): both as they would be
            without it; the pair is kept apart from then on
keep-apart: they are two customers; the pair is never proposed again
scan:       check every customer once (after turning the check on for a database
            that already holds customers)`;

type Status = 'open' | 'kept-apart' | 'merged';

const reasonText = describeDuplicateReasons;

const summaryLine = (c: DuplicateCandidate) =>
  `${c.id}  ${c.strength.padEnd(6)}  ${c.customers[0].name} [${c.customers[0].source}]  ~  ${c.customers[1].name} [${c.customers[1].source}]  — ${reasonText(c)}`;

const shown = (value: unknown) => (typeof value === 'string' ? value : JSON.stringify(value));

function fieldLines(f: ComparedField): string[] {
  const label = f.key === undefined ? f.field : `${f.field} ${f.key}`;
  const side = (n: 1 | 2, v: ComparedField['left']) => `    ${n}: ${v ? `${shown(v.value)}  (${v.connector})` : '—'}`;
  if (f.same) return [`  = ${label}: ${shown(f.left!.value)}  (${f.left!.connector} | ${f.right!.connector})`];
  return [`  ≠ ${label}`, side(1, f.left), side(2, f.right)];
}

function parseKeys(text: string): DuplicateKeyKind[] {
  const keys = text.split(',').map((k) => k.trim()).filter(Boolean);
  const unknown = keys.filter((k) => !(DUPLICATE_KEY_KINDS as readonly string[]).includes(k));
  if (unknown.length > 0 || keys.length === 0) throw new CliError(`--keys: ${unknown.join(', ') || '(none)'} unknown; use ${DUPLICATE_KEY_KINDS.join(', ')}`);
  return keys as DuplicateKeyKind[];
}

/** Where merged customers are pushed, when the config can be read (merging itself needs no config). */
function pushDeps(ctx: CliContext): { push?: MergePushDeps } {
  try {
    const { config } = ctx.config();
    return { push: { client: () => ctx.client(), temporal: ctx.temporal, config } };
  } catch (error) {
    console.error(`not queued for push (the config cannot be read: ${(error as Error).message.split('\n')[0]})`);
    return {};
  }
}

/** `custsync duplicates`: list, show, merge, unmerge, keep-apart, scan. */
export function duplicatesCommand(ctx: CliContext): Command {
  const duplicates = new Command('duplicates')
    .description('customers that may be one, found across sources, for the data team to decide')
    .addHelpText('after', `\n${duplicatesHelp}`);
  duplicates
    .command('list')
    .description('pairs waiting for a decision')
    .addOption(new Option('--status <status>', 'decided ones instead').choices(['open', 'kept-apart', 'merged']))
    .addOption(new Option('--strength <strength>', 'only strong or weak ones').choices(['strong', 'weak']))
    .option('--customer <ref>', 'pairs with this customer (id or connector:external-id)')
    .option('--run <run-id>', 'pairs a run found')
    .option('--after <id>', 'the page after this pair')
    .option('--limit <n>', 'at most this many (default 50)', (v) => Number.parseInt(v, 10))
    .option('--json', 'as JSON')
    .action((o: { status?: Status; strength?: DuplicateStrength; customer?: string; run?: string; after?: string; limit?: number; json?: boolean }) =>
      ctx.withDatabase(async ({ db }) => {
        const customerId = o.customer ? await customerIdOfRef({ db }, o.customer) : undefined;
        if (o.customer && !customerId) throw new CliError(`no customer ${o.customer}`);
        const pairs = await listDuplicates({ db }, { ...o, ...(customerId && { customerId }), ...(o.run && { runId: o.run }) });
        if (o.json) return console.log(JSON.stringify(pairs, null, 2));
        if (pairs.length === 0) return console.log(`no ${o.status ?? 'open'} duplicate candidates`);
        for (const c of pairs) console.log(summaryLine(c));
        if ((o.status ?? 'open') === 'open') console.log('compare: custsync duplicates show <id>   decide: custsync duplicates keep-apart <id>');
      }),
    );
  duplicates
    .command('show')
    .description('one pair side by side, each value with its connector')
    .argument('<id>', 'the pair (from duplicates list)')
    .option('--json', 'as JSON')
    .action((id: string, o: { json?: boolean }) =>
      ctx.withDatabase(async ({ db }) => {
        const pair = await showDuplicate({ db }, id);
        if (o.json) return console.log(JSON.stringify(pair, null, 2));
        console.log(`${pair.id}  ${pair.strength}, ${pair.status}${pair.decidedBy ? ` by ${pair.decidedBy} at ${pair.decidedAt}` : ''}; found ${pair.foundRunId ? `by run ${pair.foundRunId}` : 'by a scan'} at ${pair.foundAt}`);
        console.log(`  shared: ${reasonText(pair)}`);
        pair.customers.forEach((c, i) => console.log(`  ${i + 1}: ${c.name}  [${c.source}]  customer ${c.id}`));
        for (const f of pair.fields) for (const line of fieldLines(f)) console.log(line);
      }),
    );
  duplicates
    .command('merge')
    .description('make one customer of a pair (or of two customers named)')
    .argument('<id-or-survivor>', 'the pair (from duplicates list), or the surviving customer')
    .argument('[other]', 'with a survivor: the customer merged into it')
    .option('--survivor <ref>', 'which of the pair survives (default the one created first)')
    .option('--json', 'as JSON')
    .action((first: string, other: string | undefined, o: { survivor?: string; json?: boolean }) =>
      ctx.withDatabase(async ({ db }) => {
        const deps = { db, ...pushDeps(ctx) };
        const merged = other === undefined ? await mergeDuplicate(deps, first, { by: cliActor(), ...(o.survivor && { survivor: o.survivor }) }) : await mergeCustomers(deps, first, other, { by: cliActor() });
        if (o.json) return console.log(JSON.stringify(merged, null, 2));
        console.log(`merged customer ${merged.mergedId} into ${merged.survivorId} (merge ${merged.mergeId}; undo: custsync duplicates unmerge ${merged.mergeId})`);
        if (merged.queuedFor.length > 0) console.log(`queued for push to ${merged.queuedFor.join(', ')}`);
      }),
    );
  duplicates
    .command('unmerge')
    .description('undo a merge: both customers as they would be without it')
    .argument('<merge>', 'the merge id, or the merged customer (id or connector:external-id)')
    .option('--json', 'as JSON')
    .action((ref: string, o: { json?: boolean }) =>
      ctx.withDatabase(async ({ db }) => {
        const undone = await unmergeCustomer({ db, ...pushDeps(ctx) }, ref, { by: cliActor() });
        if (o.json) return console.log(JSON.stringify(undone, null, 2));
        console.log(`undid merge ${undone.mergeId}: customers ${undone.survivorId} and ${undone.mergedId} are two again${undone.exact ? '' : ' (each value back with the customer whose connectors supply it)'}; kept apart from now on`);
        if (undone.queuedFor.length > 0) console.log(`queued for push to ${undone.queuedFor.join(', ')}`);
      }),
    );
  duplicates
    .command('keep-apart')
    .description('they are two customers: never propose the pair again')
    .argument('<id...>', 'pairs (from duplicates list)')
    .action((ids: string[]) =>
      ctx.withDatabase(async ({ db }) => {
        for (const id of ids) {
          const pair = await keepApart({ db }, id, { by: cliActor() });
          console.log(`kept apart ${pair.id}: ${pair.customers[0].name} [${pair.customers[0].source}] and ${pair.customers[1].name} [${pair.customers[1].source}]`);
        }
      }),
    );
  duplicates
    .command('scan')
    .description('check every customer for duplicates once')
    .option('--keys <kinds>', `keys compared, comma-separated (default ${DUPLICATE_KEY_KINDS.join(',')})`)
    .option('--json', 'the counts as JSON')
    .action((o: { keys?: string; json?: boolean }) =>
      ctx.withDatabase(async ({ db }) => {
        const keys = o.keys ? parseKeys(o.keys) : [...DUPLICATE_KEY_KINDS];
        let reported = 0;
        const counts = await scanDuplicates({ db }, {
          keys,
          onProgress: (checked, found) => {
            if (o.json || checked - reported < 10_000) return;
            reported = checked;
            console.error(`checked ${checked} customers, ${found} new candidates`);
          },
        });
        if (o.json) return console.log(JSON.stringify(counts));
        console.log(`checked ${counts.checked} customers: ${counts.newCandidates} new duplicate candidates (custsync duplicates list)`);
      }),
    );
  return duplicates;
}
