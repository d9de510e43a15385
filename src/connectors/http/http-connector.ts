import { customerRecordSchema } from '../../domain/customer-record-schema.js';
import type { RejectedRecord } from '../../domain/customer-record.js';
import type { Connector, ConnectorInput, ConnectorPage, ReadOptions, StagedFragment } from '../connector.js';
import { InputError } from '../input-error.js';
import { authHeaders } from './http-auth.js';
import type { HttpConnectorConfig } from './http-config.js';
import { setValueAt, valueAt } from './dot-path.js';
import { firstPage, nextPage, type HttpPageCursor } from './http-pages.js';
import { endpointOf, getJson } from './http-request.js';

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
    async *read(input: ConnectorInput, options: ReadOptions): AsyncIterable<ConnectorPage> {
      const { headers, secrets } = authHeaders(name, config.auth);
      const start: HttpPageCursor = options.cursor ? (JSON.parse(options.cursor) as HttpPageCursor) : { next: firstPage(config).href, seen: 0 };
      let url = start.next ? new URL(start.next) : undefined;
      let seen = start.seen;
      while (url) {
        const { body, headers: responseHeaders } = await getJson(url, { connector: name, headers, secrets, timeoutMs: config.timeout });
        const items = valueAt(body, config.itemsPath);
        if (!Array.isArray(items)) {
          const at = config.itemsPath === '' ? 'the body' : `"${config.itemsPath}"`;
          throw new InputError(`connector ${name}: GET ${endpointOf(url)}: expected an array at ${at} (itemsPath), got ${items === undefined ? 'nothing' : typeof items}`);
        }
        const fragments: StagedFragment[] = [];
        const rejects: RejectedRecord[] = [];
        items.forEach((item, i) => {
          const position = seen + i + 1;
          const parsed = customerRecordSchema.safeParse(mapItem(item, config.fields));
          if (parsed.success) {
            fragments.push({ seq: position, record: parsed.data });
            return;
          }
          const issue = parsed.error.issues[0];
          const externalId = (mapItem(item, config.fields) as { externalId?: unknown } | null)?.externalId;
          rejects.push({
            source: input.name,
            line: position,
            ...(typeof externalId === 'string' ? { externalId } : {}),
            ...(issue ? { field: issue.path.join('.') } : {}),
            reason: issue ? `${issue.path.join('.') || 'item'}: ${issue.message}` : 'not a customer record',
            raw: JSON.stringify(item).slice(0, 2_000),
          });
        });
        seen += items.length;
        url = nextPage(config, url, body, responseHeaders, items.length);
        const cursor: HttpPageCursor = { ...(url ? { next: url.href } : {}), seen };
        yield { fragments, rejects, read: items.length, cursor: JSON.stringify(cursor) };
      }
    },
  };
}
