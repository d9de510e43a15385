/**
 * Child process of `npm run bench:parse`: reads one file and prints one JSON line with
 * rows, milliseconds and peak RSS. `parse` streams it through the flat-file connector
 * (pages of customers, as a run stages them); `scan` only counts its line feeds, the
 * I/O baseline.
 */
import { createReadStream } from 'node:fs';
import { basename, dirname } from 'node:path';
import { flatFileConnectorSchema } from '../src/config/config-schema.js';
import { createFlatFileConnector } from '../src/connectors/flat-file/flat-file-connector.js';

const [mode, file, referenceData] = process.argv.slice(2);
if ((mode !== 'parse' && mode !== 'scan') || !file) throw new Error('usage: parse-child.ts parse|scan <file> [referenceData]');

let started = performance.now();
let rows = 0;
let rejected = 0;
if (mode === 'scan') {
  for await (const chunk of createReadStream(file, { highWaterMark: 1 << 20 })) {
    for (const byte of chunk as Buffer) if (byte === 10) rows++;
  }
  rows--; // the header
} else {
  const connector = createFlatFileConnector(
    'bench',
    flatFileConnectorSchema.parse({ type: 'flat-file', folder: dirname(file), pattern: basename(file), referenceData }),
  );
  const [input] = await connector.listInputs();
  if (!input) throw new Error(`${file} is not listed`);
  started = performance.now();
  for await (const page of connector.read(input, { pageSize: 1000 })) {
    rows += page.read;
    rejected += page.rejects.length;
  }
}
const ms = performance.now() - started;
process.stdout.write(`${JSON.stringify({ mode, rows, rejected, ms, peakRssBytes: process.resourceUsage().maxRSS * 1024 })}\n`);
