import { expect } from 'vitest';
import type { ConnectorPage } from '../../src/connectors/connector.js';
import { findUnstorableValue } from '../../src/domain/storable-values.js';

/** Reads every page of an input; the error that ended it is returned, not thrown. */
export async function readAll(pages: AsyncIterable<ConnectorPage>): Promise<{ pages: ConnectorPage[]; error?: unknown }> {
  const out: ConnectorPage[] = [];
  try {
    for await (const page of pages) out.push(page);
    return { pages: out };
  } catch (error) {
    return { pages: out, error };
  }
}

/**
 * What holds for every page read: each reject names its source and line and says why; every
 * record is either storable as it is or (holding what the database cannot store) would be
 * rejected by staging with its field — so nothing is ever stored altered.
 */
export function expectAccountedFor(pages: ConnectorPage[], source: string): void {
  for (const page of pages) {
    for (const reject of page.rejects) {
      expect(reject.source).toBe(source);
      expect(reject.line).toBeGreaterThan(0);
      expect(reject.reason.trim().length).toBeGreaterThan(0);
    }
    for (const fragment of page.fragments) {
      expect(typeof fragment.record.externalId).toBe('string');
      expect(fragment.record.externalId.length).toBeGreaterThan(0);
      expect(findUnstorableValue(fragment.record)).toBeUndefined();
    }
  }
}
