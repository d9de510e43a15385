import { httpConnectorSchema } from '../../src/connectors/http/http-config.js';
import { createHttpConnector } from '../../src/connectors/http/http-connector.js';
import { startLoopbackApi, type ApiAnswer } from '../support/loopback-api.js';
import { describeConnectorConformance } from './connector-conformance.js';

const KEY = 'conformance-http-key-8841';
const KEY_ENV = 'CUSTSYNC_CONFORMANCE_HTTP_KEY';

describeConnectorConformance({
  type: 'http',
  faults: ['missing', 'refused', 'unavailable', 'rateLimited', 'slow', 'malformed'],
  async setup(customers) {
    let fault: ApiAnswer | undefined;
    const items = customers.map((c) => ({ id: c.externalId, kind: 'COMPANY', company: c.companyName }));
    const api = await startLoopbackApi((url, req) => {
      if (fault) return fault;
      // An API that echoes the key it was sent when it refuses it: the connector must mask it.
      if (req.headers['x-api-key'] !== KEY) return { status: 401, body: { error: `bad key ${String(req.headers['x-api-key'])}` } };
      const after = url.searchParams.get('after');
      const limit = Number(url.searchParams.get('limit'));
      const start = after ? items.findIndex((i) => i.id === after) + 1 : 0;
      const page = items.slice(start, start + limit);
      return { body: { data: page, next: start + limit < items.length ? page.at(-1)!.id : null } };
    });
    process.env[KEY_ENV] = KEY;
    const config = httpConnectorSchema.parse({
      type: 'http',
      baseUrl: api.baseUrl,
      auth: { type: 'apiKey', header: 'X-Api-Key', valueEnv: KEY_ENV },
      pagination: { type: 'cursor', cursorParam: 'after', nextCursorPath: 'next' },
      itemsPath: 'data',
      pageSize: 2,
      timeout: '1s',
      fields: { externalId: 'id', type: 'kind', 'name.companyName': 'company' },
    });
    return {
      connect: () => createHttpConnector('api', config),
      secret: KEY,
      faults: {
        missing: () => void (fault = { status: 404, body: { error: 'no such endpoint' } }),
        refused: () => void (process.env[KEY_ENV] = 'a-wrong-key'),
        unavailable: () => void (fault = { status: 503 }),
        rateLimited: () => void (fault = { status: 429, headers: { 'retry-after': '7' } }),
        slow: () => void (fault = { delayMs: 2_500, body: { data: [] } }),
        malformed: () => void (fault = { body: '<html>maintenance</html>' }),
      },
      heal: () => {
        fault = undefined;
        process.env[KEY_ENV] = KEY;
      },
      async close() {
        await api.close();
        delete process.env[KEY_ENV];
      },
    };
  },
});
