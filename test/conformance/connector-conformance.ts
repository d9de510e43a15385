import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Connector, ConnectorPage } from '../../src/connectors/connector.js';
import { connectorModuleOf } from '../../src/connectors/connector-registry.js';
import { InputError } from '../../src/connectors/input-error.js';
import { RetryLaterError } from '../../src/connectors/retry-later-error.js';
import type { OutboundCustomer } from '../../src/domain/outbound-customer.js';

/** A customer every fixture holds, in its own format. */
export interface ConformanceCustomer {
  externalId: string;
  companyName: string;
}

/** Ways a connected system can fail, and the error each must become. */
export const FAULTS = {
  /** The location does not exist (a folder, a file, an endpoint): non-retryable, naming it. */
  missing: InputError,
  /** Access refused (wrong credentials): non-retryable. */
  refused: InputError,
  /** The system is down or erring (5xx, refused connection): retryable, so not an InputError. */
  unavailable: Error,
  /** Rate limited (429): retried after the time the system asks for. */
  rateLimited: RetryLaterError,
  /** No answer within the connector's timeout: retryable. */
  slow: Error,
  /** An answer that is not what the system's format says (not JSON): non-retryable, naming it. */
  malformed: InputError,
} as const;
export type Fault = keyof typeof FAULTS;

/** A connector over a real system (files, a server on 127.0.0.1) holding the given customers. */
export interface ConformanceFixture {
  /** A connector instance; called again, a fresh one (as a new worker after a crash would build). */
  connect(): Connector;
  /** Causes a fault: the next operations fail that way until `heal`. */
  faults: Partial<Record<Fault, () => void | Promise<void>>>;
  heal(): void | Promise<void>;
  /** A secret the connector authenticates with: never in any error message. */
  secret?: string;
  close(): Promise<void>;
}

/** How a connector type is set up for the suite. */
export interface ConformanceKit {
  type: string;
  /** What sets this kit apart from others of the type (e.g. `over SFTP`). */
  label?: string;
  /** The faults its fixture can cause (all of them, for a system that can fail every way). */
  faults: readonly Fault[];
  setup(customers: readonly ConformanceCustomer[]): Promise<ConformanceFixture>;
}

const CUSTOMERS: ConformanceCustomer[] = Array.from({ length: 7 }, (_, i) => ({
  externalId: `CONF-${i + 1}`,
  companyName: `Conformance Co ${i + 1}`,
}));

async function readPages(connector: Connector, pageSize: number): Promise<ConnectorPage[]> {
  const pages: ConnectorPage[] = [];
  for (const input of await connector.listInputs()) {
    for await (const page of connector.read(input, { pageSize })) pages.push(page);
  }
  return pages;
}

const idsOf = (pages: readonly ConnectorPage[]) => pages.flatMap((p) => p.fragments.map((f) => f.record.externalId));

/**
 * The one suite every connector type passes: it lists exactly what the system holds,
 * pages, resumes from a cursor after a crash, looks up and pushes where it declares it
 * can, maps failures onto retryable and non-retryable errors, and never shows a secret.
 */
export function describeConnectorConformance(kit: ConformanceKit): void {
  const module = connectorModuleOf(kit.type);

  describe(`connector conformance: ${kit.type}${kit.label ? ` ${kit.label}` : ''}`, () => {
    let fixture: ConformanceFixture;
    beforeAll(async () => {
      fixture = await kit.setup(CUSTOMERS);
    });
    afterAll(async () => fixture?.close());

    it('declares the capabilities it implements', () => {
      expect(module).toBeDefined();
      const connector = fixture.connect();
      expect(connector.type).toBe(kit.type);
      expect(module!.capabilities.includes('lookup')).toBe(typeof connector.lookup === 'function');
      expect(module!.capabilities.includes('push')).toBe(typeof connector.push === 'function');
      expect(module!.capabilities).toContain('list');
    });

    it('lists every customer the system holds, once, with its type and name', async () => {
      const pages = await readPages(fixture.connect(), 100);
      const records = pages.flatMap((p) => p.fragments.map((f) => f.record));
      expect(pages.flatMap((p) => p.rejects)).toEqual([]);
      expect([...new Set(records.map((r) => r.externalId))].sort()).toEqual(CUSTOMERS.map((c) => c.externalId).sort());
      for (const c of CUSTOMERS) {
        const record = records.find((r) => r.externalId === c.externalId)!;
        expect(record.type).toBe('COMPANY');
        expect(record.name?.companyName).toBe(c.companyName);
      }
    });

    it('pages: small pages give the same customers as one large page, positions rising', async () => {
      const small = await readPages(fixture.connect(), 2);
      expect(small.filter((p) => p.fragments.length > 0).length).toBeGreaterThan(1);
      expect(idsOf(small).sort()).toEqual(idsOf(await readPages(fixture.connect(), 100)).sort());
      expect(small.reduce((n, p) => n + p.read, 0)).toBeGreaterThanOrEqual(CUSTOMERS.length);
      const seqs = small.flatMap((p) => p.fragments.map((f) => f.seq));
      expect([...seqs].sort((a, b) => a - b)).toEqual(seqs);
    });

    it('resumes from the last page cursor after a crash, with nothing lost or read twice', async () => {
      const first = fixture.connect();
      const [input] = await first.listInputs();
      const before: ConnectorPage[] = [];
      for await (const page of first.read(input!, { pageSize: 2 })) {
        before.push(page);
        if (before.length === 2) break; // the worker dies here; its heartbeat kept this page's cursor
      }
      const after: ConnectorPage[] = [];
      for await (const page of fixture.connect().read(input!, { pageSize: 2, cursor: before.at(-1)!.cursor })) after.push(page);
      const ids = [...idsOf(before), ...idsOf(after)];
      expect(new Set(ids).size).toBe(ids.length);
      expect([...ids].sort()).toEqual(idsOf(await readPages(fixture.connect(), 100)).sort());
    });

    if (module?.capabilities.includes('lookup')) {
      it('looks one customer up by its external id, and says when it has none', async () => {
        const connector = fixture.connect();
        const found = await connector.lookup!(CUSTOMERS[3]!.externalId);
        expect(found).toMatchObject({ externalId: CUSTOMERS[3]!.externalId, type: 'COMPANY', name: { companyName: CUSTOMERS[3]!.companyName } });
        expect(await connector.lookup!('CONF-NOBODY')).toBeUndefined();
      });
    }

    if (module?.capabilities.includes('push')) {
      it('pushes: creates a customer, returning its new id, then updates it; a lookup sees both', async () => {
        const connector = fixture.connect();
        const customer: OutboundCustomer = {
          id: '7c0ffee0-0000-4000-8000-000000000001',
          type: 'COMPANY',
          name: { companyName: 'Pushed Co' },
          createdAt: '2026-11-01T00:00:00.000Z',
          updatedAt: '2026-11-01T00:00:00.000Z',
          updatedBy: 'conformance',
        };
        const created = await connector.push!(customer);
        expect(created.action).toBe('created');
        expect(created.externalId).toBeTruthy();
        expect(await connector.lookup!(created.externalId)).toMatchObject({ name: { companyName: 'Pushed Co' } });
        const updated = await connector.push!({ ...customer, externalId: created.externalId, name: { companyName: 'Pushed Co Renamed' } });
        expect(updated).toEqual({ externalId: created.externalId, action: 'updated' });
        expect(await connector.lookup!(created.externalId)).toMatchObject({ name: { companyName: 'Pushed Co Renamed' } });
      });
    }

    for (const fault of kit.faults) {
      it(`maps a ${fault} system onto ${FAULTS[fault] === Error ? 'a retryable error' : FAULTS[fault].name}, without secrets`, async () => {
        const cause = fixture.faults[fault];
        expect(cause, `the ${kit.type} fixture declares fault ${fault} but cannot cause it`).toBeDefined();
        await cause!();
        try {
          const error = await readPages(fixture.connect(), 100).then(
            () => undefined,
            (e: unknown) => e as Error,
          );
          expect(error).toBeInstanceOf(FAULTS[fault]);
          if (FAULTS[fault] === Error) expect(error).not.toBeInstanceOf(InputError);
          // Says where: the connector, or the file or endpoint that failed.
          expect(error!.message).toMatch(new RegExp(`connector ${fixture.connect().name}\\b|\\.(txt|csv|jsonl)\\b|https?://`));
          if (fixture.secret) expect(JSON.stringify({ message: error!.message, stack: error!.stack })).not.toContain(fixture.secret);
        } finally {
          await fixture.heal();
        }
      });
    }
  });
}
