import { describe, expect, it } from 'vitest';
import { groupCommit } from '../../src/activities/group-commit.js';

/** A write that stays open until the test lets it finish. */
function heldWrites() {
  const groups: number[][] = [];
  const releases: (() => void)[] = [];
  const write = (items: number[]) => {
    groups.push(items);
    return new Promise<void>((resolve) => releases.push(resolve));
  };
  return { groups, write, releaseNext: () => releases.shift()!() };
}

describe('groupCommit', () => {
  it('writes the first item at once and the items added during a write together in the next', async () => {
    const held = heldWrites();
    const recorder = groupCommit(held.write);
    recorder.add(1);
    recorder.add(2);
    recorder.add(3);
    expect(held.groups).toEqual([[1]]);
    held.releaseNext();
    await new Promise((r) => setImmediate(r));
    expect(held.groups).toEqual([[1], [2, 3]]);
    recorder.add(4);
    held.releaseNext();
    await new Promise((r) => setImmediate(r));
    held.releaseNext();
    await recorder.settled();
    expect(held.groups).toEqual([[1], [2, 3], [4]]);
  });

  it('starts a new write for an item added after everything was written', async () => {
    const groups: number[][] = [];
    const recorder = groupCommit((items: number[]) => {
      groups.push(items);
      return Promise.resolve();
    });
    recorder.add(1);
    await recorder.settled();
    recorder.add(2);
    await recorder.settled();
    expect(groups).toEqual([[1], [2]]);
  });

  it('reports the first failed write, writes nothing after it and says it failed', async () => {
    const groups: number[][] = [];
    const recorder = groupCommit((items: number[]) => {
      groups.push(items);
      return items.includes(2) ? Promise.reject(new Error('database gone')) : Promise.resolve();
    });
    recorder.add(1);
    recorder.add(2);
    await expect(recorder.settled()).rejects.toThrow('database gone');
    expect(recorder.failed).toBe(true);
    recorder.add(3);
    await expect(recorder.settled()).rejects.toThrow('database gone');
    expect(groups).toEqual([[1], [2]]);
  });

  it('settles at once when nothing was added', async () => {
    await expect(groupCommit(() => Promise.resolve()).settled()).resolves.toBeUndefined();
  });
});
