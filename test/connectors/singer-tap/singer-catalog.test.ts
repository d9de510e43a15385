import { describe, expect, it } from 'vitest';
import { findSingerStream, messageStreamNames, selectedCatalog, singerStreamNames, type SingerCatalogStream } from '../../../src/connectors/singer-tap/singer-process.js';

const stream = (id: string, name: string): SingerCatalogStream => ({
  tap_stream_id: id,
  stream: name,
  schema: { type: 'object' },
  metadata: [{ breadcrumb: [], metadata: { 'table-key-properties': ['id'] } }],
});
const CATALOG = [stream('crm-members', 'members'), stream('public-members', 'members'), stream('crm-orders', 'orders')];
const top = (s: SingerCatalogStream) => s.metadata!.find((m) => m.breadcrumb.length === 0)!.metadata;

describe("a Singer tap's catalog", () => {
  it('finds a stream by its tap_stream_id, or by a name no other stream has; says which to choose when several have it', () => {
    expect(findSingerStream(CATALOG, 'public-members', 'tap').tap_stream_id).toBe('public-members');
    expect(findSingerStream(CATALOG, 'orders', 'tap').tap_stream_id).toBe('crm-orders');
    expect(() => findSingerStream(CATALOG, 'members', 'tap')).toThrow('tap: several streams are named "members" (crm-members, public-members); name one by its tap_stream_id');
    expect(() => findSingerStream(CATALOG, 'invoices', 'tap')).toThrow('tap: no stream "invoices"; the tap has: crm-members, public-members, crm-orders');
    expect(singerStreamNames(CATALOG).map((n) => n.name)).toEqual(['crm-members', 'public-members', 'crm-orders', 'orders']);
    expect(messageStreamNames(CATALOG[2]!)).toEqual(['crm-orders', 'orders']);
  });

  it('selects only the chosen stream, replicated whole, or incrementally by its replication key', () => {
    const chosen = CATALOG[2]!;
    const full = selectedCatalog(CATALOG, chosen, { syncMode: 'full_table' }).streams;
    expect(full.map((s) => top(s).selected)).toEqual([false, false, true]);
    expect(top(full[2]!)).toEqual({ 'table-key-properties': ['id'], selected: true, 'replication-method': 'FULL_TABLE' });
    const incremental = selectedCatalog(CATALOG, chosen, { syncMode: 'incremental', replicationKey: 'updated_at' }).streams;
    expect(top(incremental[2]!)).toMatchObject({ selected: true, 'replication-method': 'INCREMENTAL', 'replication-key': 'updated_at' });
    expect(top(incremental[0]!)).toEqual({ 'table-key-properties': ['id'], selected: false });
    // A tap that chooses its own replication (Singer SDK taps) is told nothing.
    expect(top(selectedCatalog(CATALOG, chosen, { syncMode: 'incremental' }).streams[2]!)).toEqual({ 'table-key-properties': ['id'], selected: true });
  });
});
