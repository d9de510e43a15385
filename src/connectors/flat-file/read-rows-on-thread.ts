import { errorOf, startConnectorThread } from './connector-threads.js';
import type { PackedRowGroups } from './packed-row-groups.js';
import type { RawRowPagesSetup } from './raw-row-pages.js';
import type { ReadMore, ReadReply } from './row-reading-messages.js';

/**
 * A file's pages as `readRawRowPages` reads them, read on a thread of its own and packed; the
 * thread reads at most `ahead` pages past those taken. The thread stops when the pages end or
 * the caller stops taking them.
 */
export async function* readPackedPagesOnThread(setup: RawRowPagesSetup, ahead: number): AsyncGenerator<PackedRowGroups, void, undefined> {
  const thread = startConnectorThread('row-reading-thread', { setup, ahead });
  const replies: ReadReply[] = [];
  let failure: Error | undefined;
  let wake: (() => void) | undefined;
  const woken = () => {
    wake?.();
    wake = undefined;
  };
  thread.on('message', (reply: ReadReply) => {
    replies.push(reply);
    woken();
  });
  thread.on('error', (error) => {
    failure ??= error;
    woken();
  });
  thread.on('exit', (code) => {
    failure ??= new Error(`the thread reading ${setup.fileName} stopped (exit code ${code}); the rows before the page it was reading were staged`);
    woken();
  });
  try {
    for (;;) {
      while (replies.length === 0 && !failure) await new Promise<void>((resolve) => (wake = resolve));
      const reply = replies.shift();
      if (!reply) throw failure!;
      if ('done' in reply) return;
      if ('failed' in reply) throw errorOf(reply.failed, `reading ${setup.fileName}`);
      thread.postMessage({ more: 1 } satisfies ReadMore);
      yield reply.page;
    }
  } finally {
    thread.removeAllListeners('exit');
    await thread.terminate();
  }
}
