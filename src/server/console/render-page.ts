import type { FastifyReply, FastifyRequest } from 'fastify';
import { roleAllows, type ConsoleRole } from '../../config/console-settings.js';
import type { ConsoleDeps } from './console-context.js';
import * as format from './console-format.js';

/** The console's sections, as the navigation lists them. */
const SECTIONS = [
  { path: '/', label: 'Overview' },
  { path: '/runs', label: 'Runs' },
  { path: '/review', label: 'Review' },
  { path: '/duplicates', label: 'Duplicates' },
  { path: '/deletions', label: 'Deletions' },
  { path: '/customers', label: 'Customers' },
  { path: '/pushes', label: 'Pushes' },
  { path: '/schedules', label: 'Schedules' },
] as const;

/**
 * Renders a console page in the layout: the page's data, and what every page shows — the
 * signed-in user, the navigation, a message left by the last form, a fresh CSRF token for
 * the page's forms, the links and the formatting helpers.
 */
export async function renderPage(
  request: FastifyRequest,
  reply: FastifyReply,
  deps: Pick<ConsoleDeps, 'links'>,
  template: string,
  data: { title: string } & Record<string, unknown>,
): Promise<FastifyReply> {
  const flash = request.session.get('flash');
  if (flash) request.session.set('flash', undefined);
  const user = request.consoleUser;
  const path = request.url.split('?')[0]!;
  const current = SECTIONS.filter((s) => (s.path === '/' ? path === '/' : path === s.path || path.startsWith(`${s.path}/`) || (s.path === '/runs' && path.startsWith('/run'))));
  return reply.type('text/html; charset=utf-8').view(template, {
    ...data,
    user,
    can: (role: ConsoleRole) => user !== undefined && roleAllows(user.role, role),
    csrf: reply.generateCsrf(),
    flash,
    sections: SECTIONS,
    current: current.at(-1)?.path,
    links: deps.links,
    f: format,
  });
}

/** Leaves a message for the next page and sends the browser there (after a form). */
export function redirectWithMessage(request: FastifyRequest, reply: FastifyReply, to: string, message: string): FastifyReply {
  request.session.set('flash', message);
  return reply.redirect(to, 303);
}
