const SELF = 'http://console.invalid';

/**
 * Where to go after signing in: a path of this console as the URL parser resolves it (tabs and
 * line breaks dropped, `//host` and `/\host` seen as other sites), percent-encoded; anything
 * else leads to `/`.
 */
export function safeNext(next: unknown): string {
  if (typeof next !== 'string' || next === '') return '/';
  let url: URL;
  try {
    url = new URL(next, SELF);
  } catch {
    return '/';
  }
  return url.origin === SELF ? `${url.pathname}${url.search}${url.hash}` : '/';
}
