import type { RejectedRecord } from '../../domain/customer-record.js';
import type { ConnectorPage, StagedFragment } from '../connector.js';
import { InputError } from '../input-error.js';
import { valueAt } from './dot-path.js';
import { firstPage, nextPage, type HttpListingConfig, type HttpPageCursor } from './http-pages.js';
import { endpointOf, getJson, type HttpRequestOptions } from './http-request.js';
import type { ItemMapping } from './item-mapping.js';

/** One paged listing of an API: where it is, how to ask, how its items become records. */
export interface HttpListing {
  /** The input's name (origin of rejected records). */
  inputName: string;
  config: HttpListingConfig;
  request: HttpRequestOptions;
  mapItem(item: unknown): ItemMapping;
}

/**
 * Reads a listing page by page; each response is one connector page whose cursor is the
 * next page's URL, so reading again from a cursor yields exactly the rest.
 */
export async function* readHttpListing(listing: HttpListing, cursor?: string): AsyncIterable<ConnectorPage> {
  const { config } = listing;
  const start: HttpPageCursor = cursor ? (JSON.parse(cursor) as HttpPageCursor) : { next: firstPage(config).href, seen: 0 };
  let url = start.next ? new URL(start.next) : undefined;
  let seen = start.seen;
  while (url) {
    const { body, headers } = await getJson(url, listing.request);
    const items = valueAt(body, config.itemsPath);
    if (!Array.isArray(items)) {
      const at = config.itemsPath === '' ? 'the body' : `"${config.itemsPath}"`;
      throw new InputError(
        `connector ${listing.request.connector}: GET ${endpointOf(url)}: expected an array at ${at} (itemsPath), got ${items === undefined ? 'nothing' : typeof items}`,
      );
    }
    const fragments: StagedFragment[] = [];
    const rejects: RejectedRecord[] = [];
    const warnings: string[] = [];
    items.forEach((item, i) => {
      const position = seen + i + 1;
      const mapped = listing.mapItem(item);
      if (mapped.ok) {
        fragments.push({ seq: position, record: mapped.record });
        for (const warning of mapped.warnings ?? []) warnings.push(`item ${position} (${mapped.record.externalId}): ${warning}`);
      } else rejects.push({ source: listing.inputName, line: position, ...mapped.problem, raw: JSON.stringify(item).slice(0, 2_000) });
    });
    seen += items.length;
    url = nextPage(config, url, body, headers, items.length);
    const after: HttpPageCursor = { ...(url ? { next: url.href } : {}), seen };
    yield { fragments, rejects, read: items.length, cursor: JSON.stringify(after), ...(warnings.length > 0 ? { warnings } : {}) };
  }
}
