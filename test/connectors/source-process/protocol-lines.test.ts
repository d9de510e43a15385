import { describe, expect, it } from 'vitest';
import { parseAirbyteLine } from '../../../src/connectors/airbyte-source/airbyte-message.js';
import { parseSingerLine } from '../../../src/connectors/singer-tap/singer-message.js';
import type { ProtocolLine } from '../../../src/connectors/source-process/protocol-line.js';

const reasonOf = (line: ProtocolLine<unknown>): string | undefined => (line.ok ? undefined : line.reason);

describe('lines of an Airbyte source', () => {
  it('reads the messages a source writes, keeping fields a newer protocol adds', () => {
    const lines = [
      '{"type":"RECORD","record":{"stream":"users","data":{"id":1,"email":"a@example.com"},"emitted_at":1700000000000}}',
      '{"type":"STATE","state":{"type":"STREAM","stream":{"stream_descriptor":{"name":"users"},"stream_state":{"updated_at":"2024-01-01T00:00:00Z"}},"sourceStats":{"recordCount":1}}}',
      '{"type":"LOG","log":{"level":"INFO","message":"Starting syncing SourceFaker"}}',
      '{"type":"TRACE","trace":{"type":"ERROR","emitted_at":1700000000000,"error":{"message":"Invalid API key","failure_type":"config_error"}}}',
      '{"type":"CONNECTION_STATUS","connectionStatus":{"status":"FAILED","message":"401 Unauthorized"}}',
      '{"type":"CATALOG","catalog":{"streams":[{"name":"users","json_schema":{"type":"object"},"supported_sync_modes":["full_refresh","incremental"],"source_defined_primary_key":[["id"]]}]}}',
    ];
    const parsed = lines.map(parseAirbyteLine);
    expect(parsed.map((p) => (p.ok ? p.message.type : p.reason))).toEqual(['RECORD', 'STATE', 'LOG', 'TRACE', 'CONNECTION_STATUS', 'CATALOG']);
    expect(parsed[1]).toMatchObject({ ok: true, message: { state: { sourceStats: { recordCount: 1 } } } });
  });

  it('says why a line is not a message', () => {
    expect(parseAirbyteLine('Starting the source...')).toEqual({ ok: false, reason: 'not JSON' });
    expect(reasonOf(parseAirbyteLine('{"type":"RECORD"}'))).toMatch(/^not an Airbyte message: record: /);
    expect(reasonOf(parseAirbyteLine('{"type":"PING"}'))).toMatch(/^not an Airbyte message: type: /);
    expect(parseAirbyteLine('[1,2]')).toMatchObject({ ok: false });
  });
});

describe('lines of a Singer tap', () => {
  it('reads SCHEMA, RECORD and STATE messages', () => {
    const lines = [
      '{"type":"SCHEMA","stream":"customers","schema":{"type":"object","properties":{"id":{"type":"integer"}}},"key_properties":["id"]}',
      '{"type":"RECORD","stream":"customers","record":{"id":1},"time_extracted":"2024-01-01T00:00:00Z"}',
      '{"type":"STATE","value":{"bookmarks":{"customers":{"replication_key_value":"2024-01-01"}}}}',
    ];
    expect(lines.map((l) => parseSingerLine(l)).map((p) => (p.ok ? p.message.type : p.reason))).toEqual(['SCHEMA', 'RECORD', 'STATE']);
  });

  it('says why a line is not a message', () => {
    expect(reasonOf(parseSingerLine('{"type":"RECORD","stream":"customers"}'))).toMatch(/^not a Singer message: record: /);
    expect(parseSingerLine('INFO starting tap')).toEqual({ ok: false, reason: 'not JSON' });
  });
});
