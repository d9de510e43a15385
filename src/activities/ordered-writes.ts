/**
 * Writes that run a few at a time and are settled in the order they were started: each write's
 * result is handed on only once it and every write before it have finished, so what a caller
 * records of them (a heartbeated cursor, counts) never runs ahead of what is written.
 */
export class OrderedWrites<T> {
  private settledUpTo: Promise<void> = Promise.resolve();
  private readonly unsettled: Promise<void>[] = [];

  /**
   * @param width writes running at once, at least 1
   * @param settle called with each write's result, in the order the writes were started
   */
  constructor(
    private readonly width: number,
    private readonly settle: (result: T) => void,
  ) {
    if (!Number.isInteger(width) || width < 1) throw new Error(`width must be a positive integer, got ${width}`);
  }

  /**
   * Waits until fewer than `width` writes are running, then starts `write`. Rejects with the
   * error of a write that failed before it; the writes started after a failed one are not settled.
   */
  async add(write: () => Promise<T>): Promise<void> {
    while (this.unsettled.length >= this.width) await this.unsettled.shift();
    const settled = Promise.all([this.settledUpTo, write()]).then(([, result]) => this.settle(result));
    settled.catch(() => undefined);
    this.settledUpTo = settled;
    this.unsettled.push(settled);
  }

  /** Waits until every write started is settled; rejects with the first error. */
  async finish(): Promise<void> {
    await this.settledUpTo;
  }
}
