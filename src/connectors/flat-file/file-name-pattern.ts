import picomatch from 'picomatch';

/** How file-name patterns match. */
export interface FileNamePatternOptions {
  /** Match letters regardless of case (`Customer_X.TXT` matches `customer_*.txt`); default false. */
  caseInsensitive?: boolean;
}

/** A pattern written as `/source/flags`, as a regular expression; undefined for anything else. */
export function regexLiteral(text: string, extraFlags = ''): RegExp | undefined {
  const match = /^\/(.+)\/([a-z]*)$/.exec(text);
  if (!match) return undefined;
  const flags = [...new Set(match[2]! + extraFlags)].join('');
  return new RegExp(match[1]!, flags);
}

/**
 * Compiles a file-name pattern: `/regex/flags` as a regular expression, anything
 * else as a glob (`*`, `?`, `[abc]`, `{a,b}`; parentheses are literal).
 */
export function compileFileNamePattern(pattern: string, options: FileNamePatternOptions = {}): RegExp {
  const regex = regexLiteral(pattern, options.caseInsensitive ? 'i' : '');
  if (regex) return regex;
  // Parentheses in file names are literal, not picomatch's regex groups.
  return picomatch.makeRe(pattern.replace(/[()]/g, '\\$&'), { nocase: options.caseInsensitive === true, dot: true, noextglob: true });
}
