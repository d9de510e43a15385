import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';

type Json = Record<string, unknown>;

/** A scripted fault: the next matching requests get this answer instead. */
interface Fault {
  method?: string;
  status: number;
  headers?: Record<string, string>;
  body?: unknown;
  times: number;
  delayMs?: number;
}

/** One request the fake OMS received. */
export interface OmsRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingMessage['headers'];
  body: unknown;
  /** When it arrived (ms since the epoch). */
  at: number;
}

/**
 * A real HTTP server on 127.0.0.1 that behaves like the OMS's customer API, for the demo,
 * the benchmarks and the tests (never for production data): private and
 * business customers in two collections, paged listings (`?page=&pageSize=` → `{ result, totalHits }`),
 * `GET /<collection>/<id>` (404 when unknown), `POST` (create; the new id in the answer) and `PUT` (update).
 * Tests script faults (429 with Retry-After, 500s, slow or malformed answers) and read every request.
 */
export interface LocalOms {
  baseUrl: string;
  privateCustomers: Map<string, Json>;
  businessCustomers: Map<string, Json>;
  requests: OmsRequest[];
  /** The next `times` requests (of `method`, when given) get this answer. */
  fail(fault: Omit<Fault, 'times'> & { times?: number }): void;
  /** Drops every scripted fault. */
  clearFaults(): void;
  /** Ids given to created customers: `OMS-<n>` unless the body brings one and `keepIds` is set. */
  assignIds: 'generate' | 'keep';
  /** Every answer waits this long (a remote API's latency); default 0. */
  latencyMs: number;
  /** The most requests it was answering at once so far. */
  maxInFlight: number;
  /**
   * Stores every later write (POST or PUT) after the next `writes` but withholds its answer
   * until {@link releaseAnswers}: a client that dies mid-request has its change made remotely.
   */
  holdAnswersAfter(writes: number): void;
  /** Sends the withheld answers and stops withholding. */
  releaseAnswers(): void;
  /** Resolves once an answer is being withheld. */
  answerHeld(): Promise<void>;
  close(): Promise<void>;
}

export const PRIVATE_PATH = '/Customers/PrivateCustomers';
export const BUSINESS_PATH = '/Customers/BusinessCustomers';

async function readBody(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  return text ? (JSON.parse(text) as unknown) : undefined;
}

export async function startLocalOms(options: { apiKey?: string; port?: number } = {}): Promise<LocalOms> {
  const faults: Fault[] = [];
  let created = 0;
  let writesBeforeHolding: number | undefined;
  const withheld: (() => void)[] = [];
  let onHeld: (() => void) | undefined;
  const oms: Omit<LocalOms, 'baseUrl' | 'close'> = {
    privateCustomers: new Map(),
    businessCustomers: new Map(),
    requests: [],
    assignIds: 'generate',
    latencyMs: 0,
    maxInFlight: 0,
    fail(fault) {
      faults.push({ times: 1, ...fault });
    },
    clearFaults() {
      faults.length = 0;
    },
    holdAnswersAfter(writes) {
      writesBeforeHolding = writes;
    },
    releaseAnswers() {
      writesBeforeHolding = undefined;
      for (const answer of withheld.splice(0)) answer();
    },
    answerHeld() {
      return withheld.length > 0 ? Promise.resolve() : new Promise<void>((resolve) => (onHeld = resolve));
    },
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const method = req.method ?? 'GET';
    const body = await readBody(req).catch(() => 'not json');
    const path = url.pathname.replace(/^\/api/, '');
    oms.requests.push({ method, path, query: url.searchParams, headers: req.headers, body, at: Date.now() });
    const send = (status: number, answer?: unknown, headers: Record<string, string> = {}) => {
      res.writeHead(status, { 'content-type': 'application/json', ...headers });
      res.end(answer === undefined ? '' : typeof answer === 'string' ? answer : JSON.stringify(answer));
    };
    /** The answer to a stored write: withheld while holding. */
    const sendWritten = (status: number, answer: unknown) => {
      if (writesBeforeHolding === undefined || writesBeforeHolding-- > 0) return send(status, answer);
      writesBeforeHolding = 0;
      withheld.push(() => send(status, answer));
      onHeld?.();
      onHeld = undefined;
    };
    if (oms.latencyMs > 0) await new Promise((r) => setTimeout(r, oms.latencyMs));
    const fault = faults.find((f) => f.times > 0 && (!f.method || f.method === method));
    if (fault) {
      fault.times--;
      if (fault.delayMs) await new Promise((r) => setTimeout(r, fault.delayMs));
      return send(fault.status, fault.body, fault.headers);
    }
    if (options.apiKey && req.headers['x-api-key'] !== options.apiKey) return send(401, { error: 'unauthorized' });

    const collection = path.startsWith(PRIVATE_PATH) ? oms.privateCustomers : path.startsWith(BUSINESS_PATH) ? oms.businessCustomers : undefined;
    if (!collection) return send(404, { error: `no route ${path}` });
    const id = decodeURIComponent(path.replace(/^\/Customers\/\w+/, '').replace(/^\//, ''));
    if (method === 'GET' && id) {
      const found = collection.get(id);
      return found ? send(200, found) : send(404, { error: `customer ${id} not found` });
    }
    if (method === 'GET') {
      const page = Number(url.searchParams.get('page') ?? 1);
      const size = Number(url.searchParams.get('pageSize') ?? 100);
      const all = [...collection.values()];
      return send(200, { result: all.slice((page - 1) * size, page * size), totalHits: all.length });
    }
    const customer = body as Json;
    if (method === 'POST') {
      const newId = oms.assignIds === 'keep' && typeof customer.customerId === 'string' ? customer.customerId : `OMS-${++created}`;
      if (collection.has(newId)) return send(409, { error: `customer ${newId} exists` });
      const stored = { ...customer, customerId: newId, omsRef: randomUUID() };
      collection.set(newId, stored);
      return sendWritten(201, stored);
    }
    if (method === 'PUT') {
      const existing = collection.get(String(customer.customerId));
      if (!existing) return send(404, { error: `customer ${String(customer.customerId)} not found` });
      const stored = { ...existing, ...customer };
      collection.set(String(customer.customerId), stored);
      return sendWritten(200, stored);
    }
    return send(405, { error: 'method not allowed' });
  };

  let inFlight = 0;
  const server = createServer((req, res) => {
    oms.maxInFlight = Math.max(oms.maxInFlight, ++inFlight);
    res.once('close', () => inFlight--);
    handle(req, res).catch((error: unknown) => {
      res.writeHead(500);
      res.end(String(error));
    });
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('no port');
  return Object.assign(oms, {
    baseUrl: `http://127.0.0.1:${address.port}/api`,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  });
}
