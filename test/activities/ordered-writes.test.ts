import { describe, expect, it } from 'vitest';
import { OrderedWrites } from '../../src/activities/ordered-writes.js';

/** A write the test finishes when it chooses. */
function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (error: Error) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** Two writes, two at a time, started and still running; what is settled is gathered in `settled`. */
async function twoWritesRunning() {
  const settled: string[] = [];
  const writes = new OrderedWrites<string>(2, (page) => settled.push(page));
  const first = deferred<string>();
  const second = deferred<string>();
  await writes.add(() => first.promise);
  await writes.add(() => second.promise);
  return { settled, writes, first, second };
}

describe('writes run a few at a time and are settled in the order they were started', () => {
  it('settles a write that finished early only after every write before it', async () => {
    const { settled, writes, first, second } = await twoWritesRunning();

    second.resolve('page 2');
    await second.promise;
    await Promise.resolve();
    expect(settled).toEqual([]);

    first.resolve('page 1');
    await writes.finish();
    expect(settled).toEqual(['page 1', 'page 2']);
  });

  it('starts a write only when fewer than `width` are running', async () => {
    const started: number[] = [];
    const writes = new OrderedWrites<number>(2, () => undefined);
    const pending = [deferred<number>(), deferred<number>(), deferred<number>()];
    await writes.add(() => (started.push(1), pending[0]!.promise));
    await writes.add(() => (started.push(2), pending[1]!.promise));
    const third = writes.add(() => (started.push(3), pending[2]!.promise));
    await Promise.resolve();
    expect(started).toEqual([1, 2]);

    pending[0]!.resolve(1);
    await third;
    expect(started).toEqual([1, 2, 3]);
    pending[1]!.resolve(2);
    pending[2]!.resolve(3);
    await writes.finish();
  });

  it('settles nothing after a failed write, and says why', async () => {
    const { settled, writes, first, second } = await twoWritesRunning();
    second.resolve('page 2');
    first.reject(new Error('page 1 refused'));

    await expect(writes.finish()).rejects.toThrow('page 1 refused');
    await expect(writes.add(() => Promise.resolve('page 3'))).rejects.toThrow('page 1 refused');
    expect(settled).toEqual([]);
  });

  it('refuses a width below one', () => {
    expect(() => new OrderedWrites(0, () => undefined)).toThrow('width must be a positive integer, got 0');
  });
});
