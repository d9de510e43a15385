/** A file that cannot be parsed as delimited text (bad options, unterminated quote, oversized row, no header). */
export class DelimitedParseError extends Error {
  override readonly name = 'DelimitedParseError';
  constructor(
    message: string,
    /** Line on which the offending row starts, when known. */
    readonly line?: number,
  ) {
    super(message);
  }
}
