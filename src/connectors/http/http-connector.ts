import type { Connector, ConnectorInput, ConnectorPage, ReadOptions } from '../connector.js';
import { authHeaders } from './http-auth.js';
import type { HttpConnectorConfig } from './http-config.js';
import { setValueAt, valueAt } from './dot-path.js';
import { readHttpListing } from './http-listing.js';
import { recordOrProblem } from './item-mapping.js';

/** An item mapped onto a customer record by the configured fields, or taken as it is. */
function mapItem(item: unknown, fields: HttpConnectorConfig['fields']): unknown {
  if (!fields) return item;
  const record: Record<string, unknown> = {};
  for (const [target, source] of Object.entries(fields)) {
    const value = valueAt(item, source);
    if (value !== undefined && value !== null) setValueAt(record, target, value);
  }
  return record;
}

/**
 * Lists customers from an HTTP API, page by page; each page is one connector page, and
 * the cursor is the next page's URL, so a retried activity resumes where it stopped.
 * The API's current state is one input per run (`GET <path>`), never consumed.
 */
export function createHttpConnector(name: string, config: HttpConnectorConfig): Connector {
  const listing = `GET ${config.path}`;
  return {
    name,
    type: 'http',
    consumesInputs: false,
    listInputs(): Promise<ConnectorInput[]> {
      return Promise.resolve([{ name: listing, checksum: 'live', kind: config.kind }]);
    },
    read(input: ConnectorInput, options: ReadOptions): AsyncIterable<ConnectorPage> {
      const { headers, secrets } = authHeaders(name, config.auth);
      return readHttpListing(
        {
          inputName: input.name,
          config,
          request: { connector: name, headers, secrets, timeoutMs: config.timeout },
          mapItem: (item) => recordOrProblem(mapItem(item, config.fields)),
        },
        options.cursor,
      );
    },
  };
}
