import fc from 'fast-check';

/**
 * How many cases each fuzz property runs, and from which seed: a bounded few hundred with a
 * fixed seed in the suite (the same cases every time), `npm run fuzz` many more
 * (CUSTSYNC_FUZZ_RUNS, CUSTSYNC_FUZZ_SEED). fast-check prints the seed and the shrunk
 * counterexample of a failure; rerun it with CUSTSYNC_FUZZ_SEED=<seed>.
 */
export function fuzzRuns(inSuite: number, scale = 1): fc.Parameters<unknown> {
  const runs = process.env.CUSTSYNC_FUZZ_RUNS ? Math.max(1, Math.round(Number(process.env.CUSTSYNC_FUZZ_RUNS) * scale)) : inSuite;
  const seed = process.env.CUSTSYNC_FUZZ_SEED ? Number(process.env.CUSTSYNC_FUZZ_SEED) : 20_261_130;
  return { numRuns: runs, seed };
}

/** A timeout for a fuzz test: generous, as `npm run fuzz` runs many more cases than the suite. */
export const FUZZ_TIMEOUT_MS = process.env.CUSTSYNC_FUZZ_RUNS ? 30 * 60_000 : 120_000;

/** One mutation of a line of text, as a damaged or hostile file holds them. */
export type LineMutation =
  | { kind: 'nul'; at: number }
  | { kind: 'lone-cr'; at: number }
  | { kind: 'quote'; at: number }
  | { kind: 'invalid-utf8'; at: number }
  | { kind: 'huge-field'; field: number; length: number }
  | { kind: 'drop-column'; field: number }
  | { kind: 'extra-column' }
  | { kind: 'truncate'; at: number }
  | { kind: 'random-bytes'; at: number; bytes: Uint8Array };

export const lineMutationArb: fc.Arbitrary<LineMutation> = fc.oneof(
  fc.record({ kind: fc.constant('nul' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('lone-cr' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('quote' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('invalid-utf8' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('huge-field' as const), field: fc.nat(), length: fc.integer({ min: 1_000, max: 200_000 }) }),
  fc.record({ kind: fc.constant('drop-column' as const), field: fc.nat() }),
  fc.record({ kind: fc.constant('extra-column' as const) }),
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('random-bytes' as const), at: fc.nat(), bytes: fc.uint8Array({ minLength: 1, maxLength: 8 }) }),
);

/** Applies a mutation to a delimited line (no terminator), giving its bytes. */
export function mutateLine(line: string, mutation: LineMutation, delimiter: string): Buffer {
  const bytes = Buffer.from(line, 'utf8');
  const at = (n: number) => (bytes.length === 0 ? 0 : n % (bytes.length + 1));
  const splice = (pos: number, insert: Buffer, remove = 0) =>
    Buffer.concat([bytes.subarray(0, pos), insert, bytes.subarray(Math.min(bytes.length, pos + remove))]);
  const fields = line.split(delimiter);
  switch (mutation.kind) {
    case 'nul':
      return splice(at(mutation.at), Buffer.from([0]));
    case 'lone-cr':
      return splice(at(mutation.at), Buffer.from('\r'));
    case 'quote':
      return splice(at(mutation.at), Buffer.from('"'));
    case 'invalid-utf8':
      return splice(at(mutation.at), Buffer.from([0xff]));
    case 'huge-field': {
      const f = mutation.field % fields.length;
      fields[f] = 'x'.repeat(mutation.length);
      return Buffer.from(fields.join(delimiter), 'utf8');
    }
    case 'drop-column':
      fields.splice(mutation.field % fields.length, 1);
      return Buffer.from(fields.join(delimiter), 'utf8');
    case 'extra-column':
      return Buffer.from(`${line}${delimiter}extra`, 'utf8');
    case 'truncate':
      return bytes.subarray(0, at(mutation.at));
    case 'random-bytes':
      return splice(at(mutation.at), Buffer.from(mutation.bytes));
  }
}
