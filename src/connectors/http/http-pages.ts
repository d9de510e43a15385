import type { HttpConnectorConfig } from './http-config.js';
import { valueAt } from './dot-path.js';

/** What paging needs to know of a listing. */
export type HttpListingConfig = Pick<HttpConnectorConfig, 'baseUrl' | 'path' | 'pagination' | 'pageSize' | 'itemsPath'> & {
  /** Query parameters every page carries (e.g. an incremental listing's since). */
  extraQuery?: Record<string, string>;
};

/** Where the listing stands: the next page's URL, or done. Serializable: it is the connector's cursor. */
export interface HttpPageCursor {
  next?: string;
  /** Items read so far (for page and offset paging). */
  seen: number;
}

/** The first page's URL. */
export function firstPage(config: HttpListingConfig): URL {
  const url = new URL(config.baseUrl.replace(/\/$/, '') + config.path);
  for (const [key, value] of Object.entries(config.extraQuery ?? {})) url.searchParams.set(key, value);
  const p = config.pagination;
  switch (p.type) {
    case 'none':
      break;
    case 'page':
      url.searchParams.set(p.pageParam, String(p.firstPage));
      url.searchParams.set(p.sizeParam, String(config.pageSize));
      break;
    case 'offset':
      url.searchParams.set(p.offsetParam, '0');
      url.searchParams.set(p.limitParam, String(config.pageSize));
      break;
    case 'cursor':
    case 'link':
      url.searchParams.set(p.sizeParam, String(config.pageSize));
      break;
  }
  return url;
}

/** The page after `url`, given what it returned; undefined when the listing is done. */
export function nextPage(config: HttpListingConfig, url: URL, body: unknown, headers: Headers, items: number): URL | undefined {
  const p = config.pagination;
  const next = new URL(url);
  switch (p.type) {
    case 'none':
      return undefined;
    case 'page':
      if (items < config.pageSize) return undefined;
      next.searchParams.set(p.pageParam, String(Number(url.searchParams.get(p.pageParam)) + 1));
      return next;
    case 'offset':
      if (items < config.pageSize) return undefined;
      next.searchParams.set(p.offsetParam, String(Number(url.searchParams.get(p.offsetParam)) + items));
      return next;
    case 'cursor': {
      const cursor = valueAt(body, p.nextCursorPath);
      if ((typeof cursor !== 'string' && typeof cursor !== 'number') || cursor === '') return undefined;
      next.searchParams.set(p.cursorParam, String(cursor));
      return next;
    }
    case 'link': {
      const link = headers.get('link');
      const match = link && /<([^>]+)>\s*;\s*rel="?next"?/.exec(link);
      return match ? new URL(match[1]!, url) : undefined;
    }
  }
}
