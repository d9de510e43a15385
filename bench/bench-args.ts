/** What the smaller benchmarks share: a whole-number `--name N` option, percentiles and milliseconds to report. */

/** The value of `--name N` in the process's arguments (a positive whole number), or `fallback`. */
export function intArg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const value = i >= 0 ? Number(process.argv[i + 1]) : fallback;
  if (!Number.isInteger(value) || value <= 0) throw new Error(`--${name} must be a positive whole number`);
  return value;
}

/** The `p`th percentile of `values` (nearest rank). */
export const percentile = (values: readonly number[], p: number): number =>
  [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor((p / 100) * values.length))]!;

/** Milliseconds to one decimal. */
export const ms = (value: number): number => +value.toFixed(1);
