import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { airbyteSourceConnectorSchema } from '../../../src/connectors/airbyte-source/airbyte-source-config.js';
import { createAirbyteSourceConnector } from '../../../src/connectors/airbyte-source/airbyte-source-connector.js';
import { airbyteSourceModule } from '../../../src/connectors/airbyte-source/airbyte-source-module.js';
import type { ConnectorPage } from '../../../src/connectors/connector.js';
import { InputError } from '../../../src/connectors/input-error.js';
import { SourceProcessError } from '../../../src/connectors/source-process/source-process-lines.js';

const SCRIPTED = join(import.meta.dirname, '..', '..', 'support', 'scripted-airbyte-source.mjs');
const TOKEN = 'tok-7f3a9c-secret';

const configOf = (behaviour: string, extra: Record<string, unknown> = {}) =>
  airbyteSourceConnectorSchema.parse({
    type: 'airbyte-source',
    executable: SCRIPTED,
    config: { behaviour },
    secrets: { '/token': 'SCRIPTED_SOURCE_TOKEN' },
    stream: 'companies',
    mapping: { externalId: 'id', type: 'COMPANY', name: { companyName: 'name' } },
    ...extra,
  });

async function withToken<T>(work: () => Promise<T>): Promise<T> {
  const before = process.env.SCRIPTED_SOURCE_TOKEN;
  process.env.SCRIPTED_SOURCE_TOKEN = TOKEN;
  try {
    return await work();
  } finally {
    if (before === undefined) delete process.env.SCRIPTED_SOURCE_TOKEN;
    else process.env.SCRIPTED_SOURCE_TOKEN = before;
  }
}

async function readAll(behaviour: string, options: { since?: string; silenceTimeoutMs?: number; logs?: string[] } = {}, extra: Record<string, unknown> = {}): Promise<ConnectorPage[]> {
  const connector = createAirbyteSourceConnector('crm', configOf(behaviour, extra));
  const [input] = await connector.listInputs(options.since !== undefined ? { since: options.since } : {});
  const pages: ConnectorPage[] = [];
  for await (const page of connector.read(input!, {
    pageSize: 2,
    ...(options.silenceTimeoutMs ? { silenceTimeoutMs: options.silenceTimeoutMs } : {}),
    onLog: (level, message) => options.logs?.push(`${level}: ${message}`),
  })) {
    pages.push(page);
  }
  return pages;
}

const failureOf = (work: Promise<unknown>) => work.then(() => undefined, (e: unknown) => e as Error);

describe('an Airbyte source connector, over a source process', () => {
  it('reads the stream with its config in a file only this user can read; the secret comes from the environment and is never logged', async () => {
    const logs: string[] = [];
    const pages = await withToken(() => readAll('ok', { logs }));
    expect(pages.flatMap((p) => p.fragments.map((f) => f.record.name?.companyName))).toEqual(['Company 1', 'Company 2', 'Company 3', 'Company 4', 'Company 5']);
    expect(logs).toContain('info: config file mode 600');
    expect(pages.at(-1)!.nextCursor).toBe(JSON.stringify([{ type: 'STREAM', stream: { stream_descriptor: { name: 'companies' }, stream_state: { next: 6 } } }]));
  });

  it('reads incrementally from the state it is given, as a delta', async () => {
    const connector = createAirbyteSourceConnector('crm', configOf('ok', { syncMode: 'incremental' }));
    expect(await connector.listInputs()).toEqual([{ name: 'stream companies', checksum: 'live', kind: 'delta' }]);
    const since = JSON.stringify([{ type: 'STREAM', stream: { stream_descriptor: { name: 'companies' }, stream_state: { next: 20 } } }]);
    const pages = await withToken(() => readAll('ok', { since }, { syncMode: 'incremental' }));
    expect(pages[0]!.fragments[0]!.record.externalId).toBe('C20');
  });

  it("fails without retry on the source's config error, in its own words, the secret masked", async () => {
    const logs: string[] = [];
    const error = await withToken(() => failureOf(readAll('config_error', { logs })));
    expect(error).toBeInstanceOf(InputError);
    expect(error!.message).toMatch(/^connector crm \(airbyte source scripted-airbyte-source\.mjs\) failed: The token \*\*\* is not valid/);
    expect(JSON.stringify([error!.message, error!.stack, logs])).not.toContain(TOKEN);
    expect(logs.some((l) => l.includes('authenticating with ***'))).toBe(true);
  });

  it('fails retryably when the source exits non-zero mid-stream, quoting its stderr with the secret masked', async () => {
    const error = await withToken(() => failureOf(readAll('crash')));
    expect(error).toBeInstanceOf(SourceProcessError);
    expect(error).not.toBeInstanceOf(InputError);
    expect(error!.message).toMatch(/exited with code 3; its last output on stderr:\nlost the connection \(token \*\*\*\)/);
  });

  it('stops a source that stays silent past the timeout, retryably', async () => {
    const error = await withToken(() => failureOf(readAll('hang', { silenceTimeoutMs: 1_500 })));
    expect(error).toBeInstanceOf(SourceProcessError);
    expect(error!.message).toMatch(/wrote nothing for 1.5 s and was stopped as hung/);
  });

  it('fails a source that writes only garbage, quoting its first lines', async () => {
    const error = await withToken(() => failureOf(readAll('garbage')));
    expect(error).toBeInstanceOf(InputError);
    expect(error!.message).toMatch(/wrote no protocol message, only lines like these:\ngarbage line 0\ngarbage line 1\ngarbage line 2$/);
  });

  it('says what config check finds: an unset secret, a config the spec refuses, a refused check, a stream or mapping path that is not there', async () => {
    const check = (extra: Record<string, unknown>, behaviour = 'ok') => airbyteSourceModule.checkReachable!('crm', configOf(behaviour, extra), { network: true });
    expect(await check({})).toEqual([{ field: 'secrets', message: 'connector crm: environment variable SCRIPTED_SOURCE_TOKEN (secrets./token) is not set' }]);
    await withToken(async () => {
      expect(await check({ config: { behaviour: 'ok', count: 0 } })).toEqual([{ field: 'config', message: "the source's spec refuses it: does not match: /count must be >= 1" }]);
      expect(await check({})).toEqual([{ field: 'config', message: "the source's check failed: the token was refused" }]);
    });
    const previous = process.env.SCRIPTED_SOURCE_TOKEN;
    process.env.SCRIPTED_SOURCE_TOKEN = 'right';
    try {
      expect(await check({})).toEqual([]);
      expect(await check({ stream: 'contacts' })).toEqual([{ field: 'stream', message: 'the source has no stream "contacts"; it has: companies' }]);
      const problems = await check({ mapping: { externalId: 'id', name: { companyName: 'nmae' } } });
      expect(problems).toHaveLength(1);
      expect(problems[0]!.field).toBe('mapping.name.companyName');
      expect(problems[0]!.message).toMatch(/'nmae'.*id, name, secretEcho/);
    } finally {
      if (previous === undefined) delete process.env.SCRIPTED_SOURCE_TOKEN;
      else process.env.SCRIPTED_SOURCE_TOKEN = previous;
    }
  });

  it('without running the source (a worker starting), says only whether its command is there, as a warning: only its runs fail', async () => {
    expect(await withToken(() => airbyteSourceModule.checkReachable!('crm', configOf('ok', { executable: '/nowhere/source-x' }), { network: false }))).toEqual([
      { field: 'executable', message: 'connector crm (airbyte source source-x): /nowhere/source-x does not exist or is not executable', warning: true },
    ]);
  });
});
