/**
 * Writes items in groups as they come: the first item starts a write of its own, and the
 * items that arrive while a write is in progress go together in the next one. A slow
 * database gets fewer, larger writes; a quiet one writes each item at once.
 */
export interface GroupCommit<T> {
  /** Adds an item to the next write; ignored once a write has failed. */
  add(item: T): void;
  /** Whether a write has failed (the rest is not written). */
  readonly failed: boolean;
  /** Waits until every item added is written; throws the first write's error. */
  settled(): Promise<void>;
}

/** A {@link GroupCommit} over `write`, which gets each group in the order its items were added. */
export function groupCommit<T>(write: (items: T[]) => Promise<void>): GroupCommit<T> {
  let waiting: T[] = [];
  let running: Promise<void> | undefined;
  let error: { cause: unknown } | undefined;
  const drain = async () => {
    try {
      while (waiting.length > 0 && !error) {
        const group = waiting;
        waiting = [];
        await write(group);
      }
    } catch (cause) {
      error = { cause };
    } finally {
      running = undefined;
    }
  };
  return {
    add(item) {
      if (error) return;
      waiting.push(item);
      running ??= drain();
    },
    get failed() {
      return error !== undefined;
    },
    async settled() {
      while (running) await running;
      if (error) throw error.cause;
    },
  };
}
