import type { FastifyInstance } from 'fastify';
import type { ConsoleSettings } from '../../src/config/console-settings.js';
import { consoleLinks } from '../../src/domain/console-links.js';
import type { ApiToken } from '../../src/server/api-tokens.js';
import { buildServer } from '../../src/server/build-server.js';
import type { SyncHarness } from './sync-harness.js';

/** `custsync serve` over a harness's database and Temporal client, on a free loopback port: the console, and the API with the given tokens. */
export async function startConsoleServer(
  h: SyncHarness,
  options: { settings?: ConsoleSettings; tokens?: readonly ApiToken[]; sessionKeyByte?: number } = {},
): Promise<{ app: FastifyInstance; url: string }> {
  const ops = { db: h.db.db, client: h.client, temporal: h.temporal, config: h.config };
  const app = await buildServer({
    api: { deps: ops, tokens: options.tokens ?? [], settings: h.config.api },
    console: {
      ops,
      settings: options.settings ?? h.config.console,
      links: consoleLinks('http://127.0.0.1', h.config.console.temporalUiUrl, h.temporal.namespace),
      sessionKey: Buffer.alloc(32, options.sessionKeyByte ?? 7),
      secureCookies: false,
    },
  });
  return { app, url: await app.listen({ host: '127.0.0.1', port: 0 }) };
}

/** The CSRF token in the first form of a console page, as a browser would send it back. */
export async function csrfIn(context: { get(path: string): Promise<{ text(): Promise<string> }> }, path: string): Promise<string> {
  const html = await (await context.get(path)).text();
  const token = /name="_csrf" value="([^"]+)"/.exec(html)?.[1];
  if (!token) throw new Error(`no form with a CSRF token on ${path}`);
  return token;
}
