import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { endOwnConsoleSession, startConsoleSession } from '../../../operations/console-sessions.js';
import { passwordHashOf, signIn } from '../console-auth.js';
import type { ConsoleDeps } from '../console-context.js';
import { formOf } from '../console-forms.js';
import { safeNext } from '../safe-next.js';
import { redirectWithMessage, renderPage } from '../render-page.js';

const signInForm = z.object({ name: z.string().trim().toLowerCase().min(1).max(200), password: z.string().min(1).max(1_000), next: z.string().optional() });

/** Sign in (rate-limited per address) and sign out. */
export function loginPages(deps: ConsoleDeps) {
  return (app: FastifyInstance, _options: unknown, done: (error?: Error) => void): void => {
    app.get('/login', { config: { open: true } }, (request, reply) => {
      const next = safeNext((request.query as { next?: unknown }).next);
      if (request.consoleUser) return reply.redirect(next, 303);
      return renderPage(request, reply, deps, 'login', { title: 'Sign in', next, passwords: Object.values(deps.settings.users).some((u) => u.passwordHash) });
    });
    app.post(
      '/login',
      {
        config: {
          open: true,
          rateLimit: {
            max: deps.settings.loginRateLimit,
            timeWindow: 60_000,
            keyGenerator: (request) => `login:${request.ip}`,
          },
        },
      },
      async (request, reply) => {
        const form = formOf(signInForm, request.body);
        const user = await signIn(deps.settings, form.name, form.password);
        if (!user) {
          reply.code(401);
          return renderPage(request, reply, deps, 'login', { title: 'Sign in', next: safeNext(form.next), passwords: true, failed: true, name: form.name });
        }
        // A new CSRF secret for the signed-in session.
        request.session.set('_csrf', undefined);
        request.session.set('user', user.name);
        request.session.set('sid', await startConsoleSession(deps.ops, user.name, passwordHashOf(deps.settings, user.name)!));
        request.log.info({ user: user.name }, 'console sign-in');
        return reply.redirect(safeNext(form.next), 303);
      },
    );
    app.post('/logout', { config: { open: true } }, async (request, reply) => {
      const sid = request.session.get('sid');
      if (typeof sid === 'string') await endOwnConsoleSession(deps.ops, sid);
      request.session.delete();
      return redirectWithMessage(request, reply, '/login', 'signed out');
    });
    done();
  };
}
