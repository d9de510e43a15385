import { Command } from 'commander';
import { CUSTOMER_CSV_COLUMNS } from '../../connectors/customer-csv/customer-csv-columns.js';
import { startImport } from '../../operations/import-customers.js';
import type { CliContext } from '../cli-context.js';
import { reconnectForOption } from '../cli-options.js';
import { followAndReport } from '../follow-and-report.js';
import { formatPreview } from '../format-preview.js';

const columnList = Object.entries(CUSTOMER_CSV_COLUMNS)
  .map(([name, spec]) => `  ${name.padEnd(17)} ${spec.description}`)
  .join('\n');

const importHelp = `Upserts customers from a CSV file by source id (reference 004), as the records
of connector --as (default "import"): a source id that connector has not supplied
before creates a customer, a known one updates it (only the aspects the file has
columns for), an equal one is left unchanged. Comma delimited, UTF-8, a header row
naming any of these columns (source_id is required):
${columnList}
The name columns are one aspect: a file with any of them sets the whole name. A row
with problems is rejected with its line and every reason; the rest imports.
A row whose id belongs to a customer with another source id is rejected: source ids
never change. The run is a Temporal workflow (import/<connector>/<time>); the worker
reads the file, so give a path it can read. Prints created, updated, unchanged and
rejected; exits 1 when the run fails.`;

/** `custsync import <file>`. */
export function importCommand(ctx: CliContext): Command {
  return new Command('import')
    .description('upsert customers from a CSV file by source id')
    .argument('<file>', 'a CSV file in the import layout (see below)')
    .option('--as <connector>', 'whose records the rows are: source ids are that connector’s ids', 'import')
    .option('--dry-run', 'print what the import would create and update; write nothing')
    .option('--no-wait', 'print the run id and return at once')
    .option('--json', 'print the report as JSON')
    .addOption(reconnectForOption())
    .addHelpText('after', `\n${importHelp}`)
    .action(async (file: string, o: { as: string; dryRun?: boolean; wait: boolean; json?: boolean; reconnectFor: number }) => {
      const client = await ctx.client();
      const handle = await startImport({ client, temporal: ctx.temporal }, file, { as: o.as, ...(o.dryRun ? { dryRun: true } : {}) });
      const report = await followAndReport(handle, { client, temporal: ctx.temporal, wait: o.wait, reconnectForMs: o.reconnectFor, ...(o.json ? { json: true } : {}) });
      if (report?.dryRun && !o.json) console.log(await ctx.withDatabase((d) => formatPreview(d.db, report.runId)));
      if (report?.status === 'failed') process.exitCode = 1;
    });
}
