#!/usr/bin/env node
// An Airbyte source whose behaviour its config scripts (config.behaviour; config.customersFile: emit
// those records), for the failures a real source cannot be made to show on demand: a config error,
// a crash mid-stream, garbage, silence, a slow endless stream.
import { readFileSync, statSync } from 'node:fs';

const [command, ...rest] = process.argv.slice(2);
const arg = (name) => (rest.includes(name) ? rest[rest.indexOf(name) + 1] : undefined);
const out = (message) => process.stdout.write(`${JSON.stringify(message)}\n`);
const config = arg('--config') ? JSON.parse(readFileSync(arg('--config'), 'utf8')) : {};
const schema = { type: 'object', properties: { id: { type: 'string' }, name: { type: 'string' }, secretEcho: { type: 'string' } } };
const stream = { name: 'companies', json_schema: schema, supported_sync_modes: ['full_refresh', 'incremental'], source_defined_cursor: true, default_cursor_field: ['id'] };

if (command === 'spec') {
  out({ type: 'SPEC', spec: { connectionSpecification: { type: 'object', required: ['behaviour'], properties: { behaviour: { type: 'string' }, count: { type: 'integer', minimum: 1 } } } } });
} else if (command === 'check') {
  out({ type: 'CONNECTION_STATUS', connectionStatus: config.token === 'right' ? { status: 'SUCCEEDED' } : { status: 'FAILED', message: 'the token was refused' } });
} else if (command === 'discover') {
  out({ type: 'CATALOG', catalog: { streams: [stream] } });
} else if (command === 'read') {
  const mode = (statSync(arg('--config')).mode & 0o777).toString(8);
  out({ type: 'LOG', log: { level: 'INFO', message: `config file mode ${mode}` } });
  const state = arg('--state') ? JSON.parse(readFileSync(arg('--state'), 'utf8')) : undefined;
  const from = state ? state[0].stream.stream_state.next : 1;
  const count = config.count ?? 5;
  if (config.behaviour === 'config_error') {
    process.stderr.write(`authenticating with ${config.token}\n`);
    out({ type: 'TRACE', trace: { type: 'ERROR', emitted_at: 0, error: { message: `The token ${config.token} is not valid`, failure_type: 'config_error' } } });
    process.exit(1);
  }
  if (config.behaviour === 'garbage') {
    for (let i = 0; i < 10; i++) process.stdout.write(`garbage line ${i}\n`);
    process.exit(0);
  }
  if (config.behaviour === 'slow') {
    // A record every 100 ms, for at most ten minutes: a long read that is still alive.
    let i = 0;
    const timer = setInterval(() => {
      out({ type: 'RECORD', record: { stream: 'companies', data: { id: `S${++i}`, name: `Slow ${i}` }, emitted_at: 0 } });
      if (i >= 6000) clearInterval(timer);
    }, 100);
  } else if (config.customersFile) {
    for (const customer of JSON.parse(readFileSync(config.customersFile, 'utf8'))) out({ type: 'RECORD', record: { stream: 'companies', data: customer, emitted_at: 0 } });
    process.exit(0);
  }
  if (config.behaviour !== 'slow') for (let i = from; i < from + count; i++) {
    out({ type: 'RECORD', record: { stream: 'companies', data: { id: `C${i}`, name: `Company ${i}` }, emitted_at: 0 } });
    if (config.behaviour === 'crash' && i === from + 1) {
      process.stderr.write(`lost the connection (token ${config.token})\n`);
      process.exit(3);
    }
    if (config.behaviour === 'hang' && i === from + 1) setInterval(() => undefined, 1_000);
    if (config.behaviour === 'hang' && i === from + 1) break;
  }
  if (config.behaviour !== 'hang' && config.behaviour !== 'slow') out({ type: 'STATE', state: { type: 'STREAM', stream: { stream_descriptor: { name: 'companies' }, stream_state: { next: from + count } } } });
} else {
  process.stderr.write(`unknown command ${command}\n`);
  process.exit(2);
}
