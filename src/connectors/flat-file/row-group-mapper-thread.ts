/**
 * The thread that maps a large flat file's pages of row groups (fields parsed, rows mapped and
 * combined, each record's jsonb text and hash written) while the file is read on another thread
 * and staged on the thread that reads the pages. Started by `row-group-mapper.ts`, one per file read.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { failureOf } from './connector-threads.js';
import { mapRowGroups } from './customer-row-groups.js';
import { unpackRowGroups } from './packed-row-groups.js';
import type { MapReply, MapRequest } from './row-group-mapper-messages.js';
import { rowMapperOf, type RowGroupMapperSetup } from './row-group-mapper-setup.js';
import { writeFragment } from './written-fragments.js';

const mapRow = rowMapperOf(workerData as RowGroupMapperSetup);

parentPort!.on('message', (request: MapRequest) => {
  let reply: MapReply;
  try {
    reply = { id: request.id, mapped: mapRowGroups(unpackRowGroups(request.groups), new Set(request.recognized), mapRow, writeFragment) };
  } catch (error) {
    reply = { id: request.id, failed: failureOf(error) };
  }
  parentPort!.postMessage(reply);
});
