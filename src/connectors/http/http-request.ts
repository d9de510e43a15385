import { STATUS_CODES } from 'node:http';
import { Agent, interceptors, request, type Dispatcher } from 'undici';
import { InputError } from '../input-error.js';
import { RetryLaterError } from '../retry-later-error.js';

/** What an HTTP request needs besides its URL. */
export interface HttpRequestOptions {
  connector: string;
  headers: Record<string, string>;
  /** Values that must never appear in a message (an API echoing a token in an error body, say). */
  secrets: string[];
  timeoutMs: number;
  /** Stops the request when aborted (the activity was cancelled). */
  signal?: AbortSignal;
}

function redact(text: string, secrets: readonly string[]): string {
  return secrets.reduce((t, s) => (s ? t.replaceAll(s, '***') : t), text);
}

/** The URL as messages show it: no credentials, no query string (it may hold a token). */
export function endpointOf(url: URL): string {
  return `${url.origin}${url.pathname}`;
}

/**
 * Connections kept open between requests, redirects followed as `fetch` follows them. undici's
 * `request` rather than `fetch`: the same library without the WHATWG streams around it, a
 * third of the CPU per request, which is what a push to a nearby API costs.
 */
const keptAlive: Dispatcher = new Agent({ keepAliveTimeout: 10_000 }).compose(interceptors.redirect({ maxRedirections: 10 }));

/** Seconds or an HTTP date, as Retry-After gives them; default 1 s. */
function retryAfterMs(header: string | null): number {
  if (!header) return 1_000;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(header);
  return Number.isNaN(date) ? 1_000 : Math.max(0, date - Date.now());
}

/** A JSON response: its status (2xx, or 404/409 when the caller accepts it), body and headers. */
export interface JsonResponse {
  status: number;
  body: unknown;
  headers: Headers;
}

/**
 * Sends a request and reads a JSON answer. 429 → RetryLaterError (after Retry-After); 5xx,
 * timeouts and network errors → plain errors (retried with backoff); other 4xx and bodies
 * that are not JSON → InputError (no retry), with the method, status and endpoint; 404 is
 * returned instead when `notFound: 'answer'`, 409 when `conflict: 'answer'`. Never a header in a message.
 */
export async function requestJson(
  method: 'GET' | 'POST' | 'PUT',
  url: URL,
  options: HttpRequestOptions & { body?: unknown; notFound?: 'answer' | 'fail'; /** Return a 409 instead of failing. */ conflict?: 'answer' | 'fail' },
): Promise<JsonResponse> {
  const where = `connector ${options.connector}: ${method} ${endpointOf(url)}`;
  const timeout = AbortSignal.timeout(options.timeoutMs);
  let response: Dispatcher.ResponseData;
  try {
    response = await request(url, {
      method,
      dispatcher: keptAlive,
      headers: {
        accept: 'application/json',
        ...(options.body === undefined ? {} : { 'content-type': 'application/json' }),
        ...options.headers,
      },
      ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
      signal: options.signal ? AbortSignal.any([options.signal, timeout]) : timeout,
    });
  } catch (error) {
    throw transportError(where, error, timeout.aborted ? `no response within ${options.timeoutMs} ms` : undefined, options.secrets);
  }
  const status = response.statusCode;
  const statusText = STATUS_CODES[status] ?? '';
  const headers = headersOf(response.headers);
  if (status === 429) {
    const wait = retryAfterMs(headers.get('retry-after'));
    await response.body.dump();
    throw new RetryLaterError(`${where}: 429 Too Many Requests; retrying after ${Math.round(wait / 1000)} s`, wait);
  }
  if (status >= 500) {
    await response.body.dump();
    throw new Error(`${where}: ${status} ${statusText}`);
  }
  if ((status === 404 && options.notFound === 'answer') || (status === 409 && options.conflict === 'answer')) {
    await response.body.dump();
    return { status, body: undefined, headers };
  }
  let text: string;
  try {
    text = await response.body.text();
  } catch (error) {
    throw transportError(where, error, timeout.aborted ? `no complete response within ${options.timeoutMs} ms` : undefined, options.secrets);
  }
  if (status < 200 || status > 299) {
    const shown = redact(text.slice(0, 200), options.secrets);
    throw new InputError(`${where}: ${status} ${statusText}${shown ? `: ${shown}` : ''}`);
  }
  if (text === '' && method !== 'GET') return { status, body: undefined, headers };
  try {
    return { status, body: JSON.parse(text) as unknown, headers };
  } catch {
    throw new InputError(`${where}: the response is not JSON: ${redact(text.slice(0, 100), options.secrets)}`);
  }
}

/** A request that got no (whole) answer: retried with backoff; the reason given, else the error's message without secrets. */
function transportError(where: string, error: unknown, reason: string | undefined, secrets: readonly string[]): Error {
  return new Error(`${where}: ${reason ?? redact((error as Error).message, secrets)}`, { cause: error });
}

/** undici's header object as a WHATWG `Headers` (a repeated header joined with commas). */
function headersOf(raw: Dispatcher.ResponseData['headers']): Headers {
  const headers = new Headers();
  for (const [name, value] of Object.entries(raw)) {
    if (value === undefined) continue;
    for (const v of Array.isArray(value) ? value : [value]) headers.append(name, v);
  }
  return headers;
}

/** GETs JSON; see `requestJson`. */
export async function getJson(url: URL, options: HttpRequestOptions): Promise<{ body: unknown; headers: Headers }> {
  const { body, headers } = await requestJson('GET', url, options);
  return { body, headers };
}
