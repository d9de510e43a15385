/**
 * Maps a flat file's pages of row groups, on a thread of its own for a large file: the thread
 * that reads the file then only reads, groups, hashes and stages, and mapping (parsing fields,
 * mapping and combining rows, writing each record's jsonb text) runs beside it on the other core.
 * Written over `worker_threads` by hand: a page is one message each way, its bytes moved, not
 * copied, and pages come back in the order they went; no pool library keeps a file's pages in
 * order on one thread that holds the file's header and reference data.
 */
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { mapRowGroups, type MappedGroups, type RawRowGroup } from './customer-row-groups.js';
import { packRowGroups } from './packed-row-groups.js';
import type { MapReply, MapRequest } from './row-group-mapper-messages.js';
import { rowMapperOf, type RowGroupMapperSetup } from './row-group-mapper-setup.js';
import { fragmentsFromWire } from './written-fragments.js';

export type { RowGroupMapperSetup } from './row-group-mapper-setup.js';

/** Maps pages of row groups; customers `recognized` names are listed, not mapped. */
export interface RowGroupMapper {
  map(groups: readonly RawRowGroup[], recognized: ReadonlySet<string>): Promise<MappedGroups>;
  /** Stops the thread, if there is one. */
  close(): Promise<void>;
}

/** Maps pages on the calling thread (a small file: a thread's start would cost more than it saves). */
export function inProcessRowGroupMapper(setup: RowGroupMapperSetup): RowGroupMapper {
  const mapRow = rowMapperOf(setup);
  return {
    map: (groups, recognized) => Promise.resolve(mapRowGroups(groups, recognized, mapRow)),
    close: () => Promise.resolve(),
  };
}

/** Maps pages on a thread started now, in the order they are given. */
export function threadRowGroupMapper(setup: RowGroupMapperSetup): RowGroupMapper {
  const thread = startThread(setup);
  const waiting = new Map<number, { resolve: (mapped: MappedGroups) => void; reject: (error: Error) => void }>();
  let nextId = 0;
  let failure: Error | undefined;
  let closed = false;
  const failAll = (error: Error) => {
    failure ??= error;
    for (const w of waiting.values()) w.reject(failure);
    waiting.clear();
  };
  thread.on('message', (reply: MapReply) => {
    const w = waiting.get(reply.id);
    waiting.delete(reply.id);
    if (!w) return;
    if (reply.failed) w.reject(errorOf(reply.failed));
    else w.resolve({ fragments: fragmentsFromWire(reply.mapped.fragments), rejects: reply.mapped.rejects, recognized: reply.mapped.recognized });
  });
  thread.on('error', failAll);
  thread.on('exit', (code) => {
    if (!closed) failAll(new Error(`the thread mapping the file's rows stopped (exit code ${code}); the rows before the page it was mapping were staged`));
  });
  return {
    map(groups, recognized) {
      if (failure) return Promise.reject(failure);
      const isRecognized = (group: RawRowGroup) => group.code !== '' && recognized.has(group.code);
      // A page of customers all recognized has nothing to map (an unchanged snapshot's pages).
      if (groups.every(isRecognized)) return Promise.resolve(mapRowGroups(groups, recognized, nothingToMap));
      const request: MapRequest = { id: nextId++, groups: packRowGroups(groups, isRecognized), recognized: [...recognized] };
      return new Promise((resolve, reject) => {
        waiting.set(request.id, { resolve, reject });
        thread.postMessage(request, [request.groups.bytes]);
      });
    },
    async close() {
      closed = true;
      await thread.terminate();
    },
  };
}

function nothingToMap(): never {
  throw new Error('a row of a recognized customer was to be mapped');
}

function errorOf(failed: NonNullable<MapReply['failed']>): Error {
  return Object.assign(new Error(`mapping the file's rows failed: ${failed.message}`), { name: failed.name });
}

function startThread(setup: RowGroupMapperSetup): Worker {
  const fromSources = fileURLToPath(import.meta.url).endsWith('.ts');
  const entry = new URL(`./row-group-mapper-thread.${fromSources ? 'ts' : 'js'}`, import.meta.url);
  if (!fromSources) return new Worker(entry, { workerData: setup });
  // Run from the sources (tsx, the tests): the thread compiles them as its parent does.
  const tsx = import.meta.resolve('tsx/esm/api');
  const code = `import(${JSON.stringify(tsx)}).then((api) => { api.register(); return import(${JSON.stringify(entry.href)}); });`;
  return new Worker(code, { eval: true, workerData: setup });
}
