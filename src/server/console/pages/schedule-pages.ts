import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { pauseSchedule, triggerSchedule, unpauseSchedule } from '../../../operations/schedules/control-schedule.js';
import { listSchedules } from '../../../operations/schedules/list-schedules.js';
import { actorOf } from '../console-auth.js';
import type { ConsoleDeps } from '../console-context.js';
import { formOf } from '../console-forms.js';
import { redirectWithMessage, renderPage } from '../render-page.js';

const actionForm = z.object({ flow: z.string().min(1).max(200), action: z.enum(['pause', 'unpause', 'trigger']) });

/** Each flow's schedule: pause, unpause, run now. */
export function schedulePages(deps: ConsoleDeps) {
  return (app: FastifyInstance, _options: unknown, done: (error?: Error) => void): void => {
    app.get('/schedules', async (request, reply) => {
      const schedules = await listSchedules(deps.ops.client, deps.ops.config);
      return renderPage(request, reply, deps, 'schedules', { title: 'Schedules', schedules });
    });
    app.post('/schedules/action', { config: { role: 'admin' } }, async (request, reply) => {
      const { flow, action } = formOf(actionForm, request.body);
      const by = actorOf(request.consoleUser!);
      if (action === 'pause') await pauseSchedule(deps.ops.client, flow, `paused by ${by} in the console`);
      else if (action === 'unpause') await unpauseSchedule(deps.ops.client, flow, `unpaused by ${by} in the console`);
      else await triggerSchedule(deps.ops.client, flow);
      const done = { pause: 'paused', unpause: 'unpaused', trigger: 'started a run of' }[action];
      return redirectWithMessage(request, reply, '/schedules', `${done} ${flow}`);
    });
    done();
  };
}
