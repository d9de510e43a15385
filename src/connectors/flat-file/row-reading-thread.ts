/**
 * The thread that reads a large flat file's rows, groups them per customer and hashes each
 * group, sending each page packed (`packed-row-groups.ts`) while the thread that started it
 * recognizes and stages the pages before. Started by `thread-file-pages.ts`, one per file read.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { failureOf } from './connector-threads.js';
import { packRowGroups } from './packed-row-groups.js';
import { readRawRowPages, type RawRowPagesSetup } from './raw-row-pages.js';
import type { ReadMore, ReadReply } from './row-reading-messages.js';

const { setup, ahead } = workerData as { setup: RawRowPagesSetup; ahead: number };
const port = parentPort!;
let credits = ahead;
let wake: (() => void) | undefined;
port.on('message', (message: ReadMore) => {
  credits += message.more;
  wake?.();
  wake = undefined;
});

const send = (reply: ReadReply, transfer: ArrayBuffer[] = []) => port.postMessage(reply, transfer);
try {
  for await (const { groups } of readRawRowPages(setup)) {
    while (credits <= 0) await new Promise<void>((resolve) => (wake = resolve));
    credits--;
    const page = packRowGroups(groups);
    send({ page }, [page.bytes, page.rows.buffer as ArrayBuffer]);
  }
  send({ done: true });
} catch (error) {
  send({ failed: failureOf(error) });
}
