import type { LoadedConfig } from '../../config/load-config.js';
import { consoleLinks } from '../../domain/console-links.js';
import type { OperationDeps } from '../../operations/operation-deps.js';
import { resolveApiTokens } from '../../server/api-tokens.js';
import { buildServer } from '../../server/build-server.js';
import { sessionKeyFrom } from '../../server/console/session-key.js';
import { freePort } from '../../tooling/free-port.js';

/**
 * Serves what `custsync serve` serves — the customer API when the config has API tokens, the
 * console at / — on 127.0.0.1:8787 (or a free port when that is taken).
 */
export async function startDemoServer(loaded: LoadedConfig, deps: Pick<OperationDeps, 'db' | 'client' | 'temporal' | 'config'>) {
  const hasApi = Object.keys(loaded.config.api.tokens).length > 0;
  if (!hasApi && !loaded.config.console.enabled) return undefined;
  let port = 8787;
  if (!(await portIsFree(port))) port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const settings = loaded.config.console;
  const app = await buildServer({
    ...(hasApi ? { api: { deps, tokens: resolveApiTokens(loaded.config.api), settings: loaded.config.api } } : {}),
    ...(settings.enabled
      ? {
          console: {
            ops: deps,
            settings,
            links: consoleLinks(baseUrl, settings.temporalUiUrl, deps.temporal.namespace),
            sessionKey: sessionKeyFrom(settings.sessionKeyVariable).key,
            secureCookies: false,
          },
        }
      : {}),
  });
  await app.listen({ host: '127.0.0.1', port });
  return { baseUrl, close: () => app.close() };
}

/** Whether nothing listens on 127.0.0.1:`port`. */
async function portIsFree(port: number): Promise<boolean> {
  const { createServer } = await import('node:net');
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', () => resolve(false));
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)));
  });
}
