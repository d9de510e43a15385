import csrfProtection from '@fastify/csrf-protection';
import formbody from '@fastify/formbody';
import rateLimit from '@fastify/rate-limit';
import secureSession from '@fastify/secure-session';
import view from '@fastify/view';
import { Eta } from 'eta';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { roleAllows } from '../../config/console-settings.js';
import { OperationError } from '../../domain/operation-error.js';
import { HttpProblem, KIND_STATUS, sendProblem } from '../problem-details.js';
import { passwordHashOf, userFromHeader, userFromSession, type ConsoleUser } from './console-auth.js';
import { resumeConsoleSession } from '../../operations/console-sessions.js';
import type { ConsoleDeps } from './console-context.js';
import './console-context.js';
import { renderPage } from './render-page.js';
import { customerPages } from './pages/customer-pages.js';
import { deletionPages } from './pages/deletion-pages.js';
import { loginPages } from './pages/login-pages.js';
import { overviewPage } from './pages/overview-page.js';
import { pushPages } from './pages/push-pages.js';
import { reviewPages } from './pages/review-pages.js';
import { duplicatePages } from './pages/duplicate-pages.js';
import { runPages } from './pages/run-pages.js';
import { schedulePages } from './pages/schedule-pages.js';

/** What the console needs besides its pages' dependencies. */
export interface ConsoleOptions extends ConsoleDeps {
  /** 32 bytes sealing the session cookie. */
  sessionKey: Buffer;
  /** Mark cookies Secure (the console is reached over https). */
  secureCookies: boolean;
}

const STYLESHEET = readFileSync(fileURLToPath(new URL('./assets/console.css', import.meta.url)), 'utf8');

/** Pages keep to this origin: no inline script or style, no framing, forms post here only. */
const SECURITY_HEADERS = {
  'content-security-policy': "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; frame-ancestors 'none'; form-action 'self'; base-uri 'none'",
  'x-frame-options': 'DENY',
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'same-origin',
  'cache-control': 'no-store',
};

/**
 * The console for the data team at `/`: server-rendered pages over the operations layer,
 * plain HTML forms for every decision (no script needed), signed-in users with roles, sealed
 * session cookies, a CSRF token in every form and a rate-limited sign-in.
 */
export function consolePlugin(options: ConsoleOptions) {
  return async (app: FastifyInstance): Promise<void> => {
    // Pages for people, not part of the customer API's OpenAPI document.
    app.addHook('onRoute', (route) => {
      route.schema = { ...route.schema, hide: true };
    });
    await app.register(formbody);
    await app.register(secureSession, {
      key: options.sessionKey,
      cookieName: 'custsync_session',
      expiry: Math.round(options.settings.sessionHours * 3600),
      cookie: { path: '/', httpOnly: true, sameSite: 'lax', secure: options.secureCookies },
    });
    await app.register(csrfProtection, { sessionPlugin: '@fastify/secure-session' });
    await app.register(rateLimit, { global: false });
    await app.register(view, {
      engine: { eta: new Eta({ views: fileURLToPath(new URL('./views', import.meta.url)), cache: true }) },
      templates: fileURLToPath(new URL('./views', import.meta.url)),
    });

    app.addHook('onSend', async (_request, reply) => {
      reply.headers(SECURITY_HEADERS);
    });
    app.addHook('onRequest', async (request, reply) => {
      const user = userFromHeader(options.settings, request) ?? (await userOfSessionCookie(options, request));
      if (user) request.consoleUser = user;
      if (user || request.routeOptions.config.open) return;
      if (request.method === 'GET' || request.method === 'HEAD') {
        const next = request.url === '/' ? '' : `?next=${encodeURIComponent(request.url)}`;
        return reply.redirect(`/login${next}`, 303);
      }
      throw new HttpProblem(401, 'sign in first: your session has ended or was never started');
    });
    app.addHook('preHandler', async (request) => {
      if (request.method === 'POST') await verifyCsrf(app, request);
      const needed = request.routeOptions.config.role;
      const user = request.consoleUser;
      if (needed && user && !roleAllows(user.role, needed)) {
        throw new HttpProblem(403, `${user.name} is a ${user.role}; this needs the ${needed} role`);
      }
    });
    app.setErrorHandler((error: FastifyError, request, reply) => consoleError(error, request, reply, options));

    app.get('/console.css', { config: { open: true } }, (_request, reply) => reply.type('text/css; charset=utf-8').header('cache-control', 'public, max-age=3600').send(STYLESHEET));
    await app.register(loginPages(options));
    await app.register(overviewPage(options));
    await app.register(runPages(options));
    await app.register(reviewPages(options));
    await app.register(duplicatePages(options));
    await app.register(deletionPages(options));
    await app.register(customerPages(options));
    await app.register(pushPages(options));
    await app.register(schedulePages(options));
  };
}

/** The user the session cookie's server-side session signs in; an ended one is cleared from the cookie. */
async function userOfSessionCookie(options: ConsoleOptions, request: FastifyRequest): Promise<ConsoleUser | undefined> {
  const sid = request.session.get('sid');
  if (typeof sid !== 'string') return undefined;
  const name = await resumeConsoleSession(options.ops, sid, (n) => passwordHashOf(options.settings, n), options.settings);
  const user = name === undefined ? undefined : userFromSession(options.settings, name);
  if (!user) {
    request.session.set('sid', undefined);
    request.session.set('user', undefined);
  }
  return user;
}

/** Refuses a form without the CSRF token of this session. */
function verifyCsrf(app: FastifyInstance, request: FastifyRequest): Promise<void> {
  return new Promise((resolve, reject) => {
    const reply = {
      send: (error: Error) => reject(new HttpProblem(403, `the form was refused (${error.message}); reload the page and send it again`)),
    } as unknown as FastifyReply;
    app.csrfProtection.call(app, request, reply, () => resolve());
  });
}

function statusOf(error: FastifyError): number {
  if (error instanceof HttpProblem) return error.status;
  if (error instanceof OperationError) return KIND_STATUS[error.kind];
  return error.statusCode && error.statusCode >= 400 ? error.statusCode : 500;
}

function consoleError(error: FastifyError, request: FastifyRequest, reply: FastifyReply, deps: ConsoleDeps) {
  const status = statusOf(error);
  if (status >= 500) request.log.error({ err: error }, 'console request failed');
  const message = status >= 500 ? `internal error; the server log has the details under request id ${request.id}` : error.message;
  if (error instanceof HttpProblem) for (const [name, v] of Object.entries(error.extra.headers ?? {})) reply.header(name, v);
  if (!(request.headers.accept ?? '').includes('text/html')) return sendProblem(reply, status, message);
  return renderError(request, reply, deps, status, message);
}

function renderError(request: FastifyRequest, reply: FastifyReply, deps: ConsoleDeps, status: number, message: string) {
  reply.code(status);
  return renderPage(request, reply, deps, 'error', { title: status === 404 ? 'Not found' : 'Not done', status, message });
}
