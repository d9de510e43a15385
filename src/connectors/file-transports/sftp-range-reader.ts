import { Readable } from 'node:stream';
import type { SFTPWrapper } from 'ssh2';

/** Bytes per read request and requests kept in flight: like ssh2's fastGet, but from an offset and in order. */
const REQUEST_BYTES = 64 * 1024;
const IN_FLIGHT = 32;

const promised = <T>(call: (done: (err: Error | undefined | null, value: T) => void) => void) =>
  new Promise<T>((resolve, reject) => call((err, value) => (err ? reject(err) : resolve(value))));

async function readFully(sftp: SFTPWrapper, handle: Buffer, position: number, length: number, path: string): Promise<Buffer> {
  const buffer = Buffer.allocUnsafe(length);
  let got = 0;
  while (got < length) {
    const n = await promised<number>((done) => sftp.read(handle, buffer, got, length - got, position + got, (err, bytesRead) => done(err, bytesRead)));
    if (n === 0) throw new Error(`${path} ended at byte ${position + got}, before the ${position + length} bytes listed`);
    got += n;
  }
  return buffer;
}

/**
 * The bytes of a remote file from `start` to `size`, with many read requests in flight
 * (one request at a time is latency-bound) and delivered in order, so a local copy
 * written from it is always a complete prefix that a later download can resume.
 * Destroying the stream, or the session closing, fails whatever is still awaited.
 */
export function sftpRangeReader(sftp: SFTPWrapper, path: string, start: number, size: number): Readable {
  let handle: Promise<Buffer> | undefined;
  const pending: Promise<Buffer>[] = [];
  let next = start;
  let abort: (error: Error) => void = () => undefined;
  const aborted = new Promise<never>((_, reject) => (abort = reject));
  aborted.catch(() => undefined);
  const onClose = () => abort(new Error(`SFTP session closed while reading ${path}`));
  sftp.once('close', onClose);

  const request = (open: Buffer) => {
    const length = Math.min(REQUEST_BYTES, size - next);
    const read = readFully(sftp, open, next, length, path);
    read.catch(() => undefined); // awaited in order; this only keeps an early failure from going unhandled
    pending.push(read);
    next += length;
  };
  const nextChunk = async (): Promise<Buffer | null> => {
    handle ??= promised<Buffer>((done) => sftp.open(path, 'r', done));
    const open = await Promise.race([handle, aborted]);
    while (next < size && pending.length < IN_FLIGHT) request(open);
    const head = pending.shift();
    if (!head) return null;
    const chunk = await Promise.race([head, aborted]);
    if (next < size) request(open);
    return chunk;
  };

  return new Readable({
    read() {
      nextChunk().then(
        (chunk) => this.push(chunk),
        (error: unknown) => this.destroy(error as Error),
      );
    },
    destroy(error, callback) {
      abort(error ?? new Error(`reading ${path} was stopped`));
      sftp.removeListener('close', onClose);
      handle?.then((open) => sftp.close(open, () => undefined)).catch(() => undefined);
      callback(error);
    },
  });
}
