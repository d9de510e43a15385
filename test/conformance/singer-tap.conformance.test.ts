import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { singerTapConnectorSchema } from '../../src/connectors/singer-tap/singer-tap-config.js';
import { createSingerTapConnector } from '../../src/connectors/singer-tap/singer-tap-connector.js';
import { sourcePackage } from '../support/source-packages.js';
import { describeConnectorConformance } from './connector-conformance.js';

describeConnectorConformance({
  type: 'singer-tap',
  label: 'over tap-jsonl from the package index',
  faults: ['unavailable'],
  async setup(customers) {
    const folder = mkdtempSync(join(tmpdir(), 'custsync-conformance-'));
    writeFileSync(join(folder, 'companies.jsonl'), customers.map((c) => JSON.stringify({ id: c.externalId, name: c.companyName })).join('\n') + '\n');
    // The tap, through a wrapper the fault makes unrunnable.
    const tap = (await sourcePackage('tap-jsonl')).executables[0]!;
    const wrapper = join(folder, 'tap');
    writeFileSync(wrapper, `#!/bin/sh\nexec ${JSON.stringify(tap)} "$@"\n`, { mode: 0o755 });
    const config = singerTapConnectorSchema.parse({
      type: 'singer-tap',
      executable: wrapper,
      config: { path: join(folder, '*.jsonl'), stream_name: 'companies', primary_keys: ['id'] },
      stream: 'companies',
      mapping: { externalId: 'id', type: 'COMPANY', name: { companyName: 'name' } },
    });
    return {
      connect: () => createSingerTapConnector('crm', config),
      faults: { unavailable: () => chmodSync(wrapper, 0o644) },
      heal: () => chmodSync(wrapper, 0o755),
      close: () => Promise.resolve(),
    };
  },
});
