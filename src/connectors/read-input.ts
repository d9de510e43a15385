import type { StagedFragment } from './connector.js';
import type { Connector, ConnectorInput, ConnectorPage, ReadOptions } from './connector.js';
import { readCustomerCsv } from './customer-csv/customer-csv-reader.js';
import { InputError } from './input-error.js';

/**
 * Reads an input: a bulk-import file (`importFile`, no connector needed), a listing through
 * the connector, or (an input with `lookup`) the named customers looked up one by one, as
 * one page; ids the connector does not have are warnings.
 */
export async function* readInput(connectorOf: () => Connector, input: ConnectorInput, options: ReadOptions): AsyncIterable<ConnectorPage> {
  if (input.importFile) {
    yield* readCustomerCsv(input.importFile, input.name, options);
    return;
  }
  const connector = connectorOf();
  if (!input.lookup) {
    yield* connector.read(input, options);
    return;
  }
  if (!connector.lookup) throw new InputError(`connector ${connector.name} (${connector.type}) cannot look customers up`);
  const fragments: StagedFragment[] = [];
  const warnings: string[] = [];
  for (const [i, externalId] of input.lookup.entries()) {
    const record = await connector.lookup(externalId);
    if (record) fragments.push({ seq: i + 1, record });
    else warnings.push(`customer ${externalId} was not found in connector ${connector.name}`);
  }
  yield { fragments, rejects: [], read: input.lookup.length, cursor: 'done', ...(warnings.length > 0 ? { warnings } : {}) };
}
