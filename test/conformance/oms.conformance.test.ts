import { omsConnectorSchema } from '../../src/connectors/oms/oms-config.js';
import { createOmsConnector } from '../../src/connectors/oms/oms-connector.js';
import { startLocalOms } from '../../src/tooling/local-oms.js';
import { describeConnectorConformance } from './connector-conformance.js';

const KEY = 'conformance-oms-key-1207';
const KEY_ENV = 'CUSTSYNC_CONFORMANCE_OMS_KEY';

describeConnectorConformance({
  type: 'oms',
  faults: ['missing', 'refused', 'unavailable', 'rateLimited', 'slow', 'malformed'],
  async setup(customers) {
    const oms = await startLocalOms({ apiKey: KEY });
    for (const c of customers) oms.businessCustomers.set(c.externalId, { customerId: c.externalId, name: c.companyName });
    process.env[KEY_ENV] = KEY;
    const config = omsConnectorSchema.parse({
      type: 'oms',
      baseUrl: oms.baseUrl,
      auth: { type: 'apiKey', header: 'X-Api-Key', valueEnv: KEY_ENV },
      customerTypes: ['COMPANY'],
      pageSize: 2,
      timeout: '1s',
    });
    const always = { times: Number.MAX_SAFE_INTEGER };
    return {
      connect: () => createOmsConnector('oms', config),
      secret: KEY,
      faults: {
        missing: () => oms.fail({ ...always, status: 404, body: { error: 'no such collection' } }),
        refused: () => void (process.env[KEY_ENV] = 'a-wrong-key'),
        unavailable: () => oms.fail({ ...always, status: 500 }),
        rateLimited: () => oms.fail({ ...always, status: 429, headers: { 'retry-after': '3' } }),
        slow: () => oms.fail({ ...always, status: 200, delayMs: 2_500, body: { result: [] } }),
        malformed: () => oms.fail({ ...always, status: 200, body: '{"result": [' }),
      },
      heal: () => {
        oms.clearFaults();
        process.env[KEY_ENV] = KEY;
      },
      async close() {
        await oms.close();
        delete process.env[KEY_ENV];
      },
    };
  },
});
