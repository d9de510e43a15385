/**
 * The thread that maps a flat file's pages of row groups (fields parsed, rows mapped and
 * combined, each record's jsonb text and hash written) while the thread that reads the file goes
 * on reading, grouping and staging. Started by `row-group-mapper.ts`, one per file read.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { mapRowGroups } from './customer-row-groups.js';
import { delimitedRowParser, type RawDelimitedRow } from './delimited-reader.js';
import { unpackRowGroups } from './packed-row-groups.js';
import type { MapReply, MapRequest, RowGroupMapperSetup } from './row-group-mapper-messages.js';
import { mapTemplateRow } from './template-row-mapper.js';
import { writeFragment } from './written-fragments.js';

const setup = workerData as RowGroupMapperSetup;
const parse = delimitedRowParser(setup.readerOptions);

parentPort!.on('message', (request: MapRequest) => {
  let reply: MapReply;
  try {
    const mapRow = (raw: RawDelimitedRow) => mapTemplateRow(parse(raw), setup.header, setup.rowContext);
    reply = { id: request.id, mapped: mapRowGroups(unpackRowGroups(request.groups), new Set(request.recognized), mapRow, writeFragment) };
  } catch (error) {
    const { name, message } = error as Error;
    reply = { id: request.id, failed: { name: String(name), message: String(message) } };
  }
  parentPort!.postMessage(reply);
});
