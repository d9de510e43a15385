/**
 * Compiles a file-name pattern: `/regex/flags` as a regular expression, anything
 * else as a glob with `*`, `?` and `{a,b}` alternatives.
 */
export function compileFileNamePattern(pattern: string): RegExp {
  const regex = /^\/(.+)\/([a-z]*)$/.exec(pattern);
  if (regex) return new RegExp(regex[1]!, regex[2]);
  let source = '';
  let inGroup = false;
  for (const ch of pattern) {
    if (ch === '*') source += '[^/]*';
    else if (ch === '?') source += '[^/]';
    else if (ch === '{') {
      source += '(?:';
      inGroup = true;
    } else if (ch === '}' && inGroup) {
      source += ')';
      inGroup = false;
    } else if (ch === ',' && inGroup) source += '|';
    else source += ch.replace(/[.+^$()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${source}$`);
}
