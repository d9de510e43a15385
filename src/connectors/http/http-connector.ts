import type { Connector, ConnectorInput, ConnectorPage, ListOptions, ReadOptions } from '../connector.js';
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
    listInputs(options: ListOptions = {}): Promise<ConnectorInput[]> {
      if (!config.incremental) return Promise.resolve([{ name: listing, checksum: 'live', kind: config.kind }]);
      // The next run lists what changed from now on: changes made during this listing are listed again, never missed.
      const nextCursor = new Date().toISOString();
      if (options.since === undefined) return Promise.resolve([{ name: listing, checksum: 'live', kind: config.kind, nextCursor }]);
      return Promise.resolve([{ name: `${listing} since ${options.since}`, checksum: 'live', kind: 'delta', since: options.since, nextCursor }]);
    },
    read(input: ConnectorInput, options: ReadOptions): AsyncIterable<ConnectorPage> {
      const { headers, secrets } = authHeaders(name, config.auth);
      return readHttpListing(
        {
          inputName: input.name,
          config: input.since !== undefined && config.incremental ? { ...config, extraQuery: { [config.incremental.sinceParam]: input.since } } : config,
          request: { connector: name, headers, secrets, timeoutMs: config.timeout, ...(options.signal ? { signal: options.signal } : {}) },
          mapItem: (item) => recordOrProblem(mapItem(item, config.fields)),
        },
        options.cursor,
      );
    },
  };
}
