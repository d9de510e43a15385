/**
 * A Prometheus endpoint of its own port (the worker's, or serve's with `--metrics`). Written on
 * node:http because the worker has no HTTP server and this needs only `GET /metrics`.
 */
import { createServer, type Server } from 'node:http';
import type { ListenAddress } from './listen-address.js';

/** Options for {@link serveMetrics}. */
export interface MetricsEndpointOptions {
  listen: ListenAddress;
  /** The page's content type (the registry's). */
  contentType: string;
  /** The page: Prometheus text. */
  page: () => Promise<string>;
}

/** A listening metrics endpoint. */
export interface MetricsEndpoint {
  /** `http://host:port/metrics`. */
  url: string;
  close(): Promise<void>;
}

/** Serves `GET /metrics`; anything else is 404, other methods 405. */
export async function serveMetrics(options: MetricsEndpointOptions): Promise<MetricsEndpoint> {
  const server: Server = createServer((request, response) => {
    const path = (request.url ?? '/').split('?')[0];
    if (path !== '/metrics') {
      response.writeHead(404, { 'content-type': 'text/plain' }).end('metrics are at /metrics\n');
      return;
    }
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.writeHead(405, { allow: 'GET, HEAD', 'content-type': 'text/plain' }).end('GET /metrics\n');
      return;
    }
    void (async () => {
      try {
        const text = await options.page();
        response.writeHead(200, { 'content-type': options.contentType }).end(request.method === 'HEAD' ? undefined : text);
      } catch (error) {
        response.writeHead(500, { 'content-type': 'text/plain' }).end(`metrics could not be collected: ${(error as Error).message}\n`);
      }
    })();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.listen.port, options.listen.host, () => resolve());
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : options.listen.port;
  const host = options.listen.host.includes(':') ? `[${options.listen.host}]` : options.listen.host;
  return {
    url: `http://${host === '0.0.0.0' || host === '[::]' ? '127.0.0.1' : host}:${port}/metrics`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
