import type { FastifyInstance } from 'fastify';
import { request as playwrightRequest, type APIRequestContext } from 'playwright-core';
import type { ConsoleSettings } from '../../src/config/console-settings.js';
import { consoleLinks } from '../../src/domain/console-links.js';
import type { ApiToken } from '../../src/server/api-tokens.js';
import { buildServer } from '../../src/server/build-server.js';
import { hashPassword } from '../../src/server/console/password-hash.js';
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

/** A console session signed in as a browser's form would (expects the 303 of a good sign-in), sending no redirect on. */
export async function signedInContext(base: string, name: string, password: string): Promise<APIRequestContext> {
  const context = await playwrightRequest.newContext({ baseURL: base, maxRedirects: 0 });
  const csrf = await csrfIn(context, '/login');
  const answer = await context.post('/login', { form: { _csrf: csrf, name, password } });
  if (answer.status() !== 303) throw new Error(`signing in as ${name} answered ${answer.status()}, not 303`);
  return context;
}

/** A decision posted from a console form (`/review/decide`, `/deletions/decide`), as the page sends it. */
export async function postDecision(context: APIRequestContext, path: string, form: Record<string, string>): Promise<{ status: number; text: string }> {
  const answer = await context.post(path, { form, headers: { accept: 'text/html' } });
  return { status: answer.status(), text: await answer.text() };
}

/** Console settings with one reviewer per name, each signing in with the password given. */
export async function reviewersSignedInWith(passwords: Readonly<Record<string, string>>): Promise<{ loginRateLimit: number; users: Record<string, { role: 'reviewer'; passwordHash: string }> }> {
  const users: Record<string, { role: 'reviewer'; passwordHash: string }> = {};
  for (const [name, password] of Object.entries(passwords)) users[name] = { role: 'reviewer', passwordHash: await hashPassword(password) };
  return { loginRateLimit: 20, users };
}
