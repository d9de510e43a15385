import picomatch from 'picomatch';

/** How file-name patterns match. */
export interface FileNamePatternOptions {
  /** Match letters regardless of case (`Customer_X.TXT` matches `customer_*.txt`); default false. */
  caseInsensitive?: boolean;
}

/**
 * Compiles a file-name pattern: `/regex/flags` as a regular expression, anything
 * else as a glob (`*`, `?`, `[abc]`, `{a,b}`; parentheses are literal).
 */
export function compileFileNamePattern(pattern: string, options: FileNamePatternOptions = {}): RegExp {
  const regex = /^\/(.+)\/([a-z]*)$/.exec(pattern);
  if (regex) {
    const flags = options.caseInsensitive && !regex[2]!.includes('i') ? `${regex[2]}i` : regex[2];
    return new RegExp(regex[1]!, flags);
  }
  // Parentheses in file names are literal, not picomatch's regex groups.
  return picomatch.makeRe(pattern.replace(/[()]/g, '\\$&'), { nocase: options.caseInsensitive === true, dot: true, noextglob: true });
}
