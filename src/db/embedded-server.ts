/** Whether a server's `version()` is the embedded PGlite's rather than a PostgreSQL server's. */
export function isEmbeddedServer(version: string): boolean {
  return /PGlite|emscripten/i.test(version);
}
