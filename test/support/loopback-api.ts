import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';

/** What the API answers to one request. */
export interface ApiAnswer {
  status?: number;
  headers?: Record<string, string>;
  body?: unknown;
  /** Wait this long before answering. */
  delayMs?: number;
  /** Answer only once this settles (a listing the test holds open). */
  after?: Promise<unknown>;
  /** Send the headers and half the body, then reset the connection (a network fault mid-transfer). */
  reset?: boolean;
}

/** A real HTTP server on 127.0.0.1 whose answers a test scripts; it records every request. */
export interface LoopbackApi {
  baseUrl: string;
  requests: { url: URL; headers: IncomingMessage['headers'] }[];
  close(): Promise<void>;
}

export async function startLoopbackApi(answer: (url: URL, req: IncomingMessage) => ApiAnswer): Promise<LoopbackApi> {
  const requests: LoopbackApi['requests'] = [];
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    requests.push({ url, headers: req.headers });
    const a = answer(url, req);
    const send = () => {
      const body = typeof a.body === 'string' ? a.body : JSON.stringify(a.body ?? null);
      res.writeHead(a.status ?? 200, { 'content-type': 'application/json', ...a.headers });
      if (a.reset) {
        res.write(body.slice(0, Math.floor(body.length / 2)), () => res.socket?.resetAndDestroy());
        return;
      }
      res.end(body);
    };
    const answerNow = () => (a.delayMs ? setTimeout(send, a.delayMs) : send());
    if (a.after) void a.after.then(answerNow, answerNow);
    else answerNow();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('no port');
  return {
    baseUrl: `http://127.0.0.1:${address.port}/api`,
    requests,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
