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
 */
export function sftpRangeReader(sftp: SFTPWrapper, path: string, start: number, size: number): Readable {
  async function* chunks(): AsyncGenerator<Buffer> {
    const handle = await promised<Buffer>((done) => sftp.open(path, 'r', done));
    const pending: Promise<Buffer>[] = [];
    let next = start;
    const request = () => {
      const length = Math.min(REQUEST_BYTES, size - next);
      const read = readFully(sftp, handle, next, length, path);
      read.catch(() => undefined); // awaited in order below; this only keeps an early failure from going unhandled
      pending.push(read);
      next += length;
    };
    try {
      while (next < size && pending.length < IN_FLIGHT) request();
      while (pending.length > 0) {
        const chunk = await pending.shift()!;
        if (next < size) request();
        yield chunk;
      }
    } finally {
      await promised<void>((done) => sftp.close(handle, (err) => done(err, undefined))).catch(() => undefined);
    }
  }
  return Readable.from(chunks(), { objectMode: false });
}
