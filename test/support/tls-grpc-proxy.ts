import { readFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { createServer, type TLSSocket } from 'node:tls';
import type { IssuedCertificate } from './test-ca.js';

/** A TLS-terminating proxy on 127.0.0.1 in front of a plaintext gRPC server (ALPN h2, as gRPC clients require). */
export interface TlsGrpcProxy {
  address: string;
  /** Connections the proxy refused during the handshake (a client certificate missing or not trusted). */
  refused: number;
  close(): Promise<void>;
}

/**
 * Starts the proxy with `certificate` as the server's; with `clientCa`, only clients presenting
 * a certificate that CA signed are let through (mTLS).
 */
export async function startTlsGrpcProxy(target: string, certificate: IssuedCertificate, options: { clientCa?: string } = {}): Promise<TlsGrpcProxy> {
  const [host, port] = [target.slice(0, target.lastIndexOf(':')), Number(target.slice(target.lastIndexOf(':') + 1))];
  const sockets = new Set<Socket>();
  const proxy: TlsGrpcProxy = { address: '', refused: 0, close: () => Promise.resolve() };
  const server = createServer(
    {
      key: readFileSync(certificate.key),
      cert: readFileSync(certificate.cert),
      ALPNProtocols: ['h2'],
      ...(options.clientCa ? { requestCert: true, rejectUnauthorized: true, ca: readFileSync(options.clientCa) } : {}),
    },
    (client: TLSSocket) => {
      const upstream = connect(port, host);
      for (const s of [client, upstream]) {
        sockets.add(s);
        s.once('close', () => sockets.delete(s));
        s.on('error', () => undefined);
      }
      client.pipe(upstream).pipe(client);
      client.once('close', () => upstream.destroy());
      upstream.once('close', () => client.destroy());
    },
  );
  server.on('tlsClientError', () => {
    proxy.refused += 1;
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  proxy.address = `127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  proxy.close = () =>
    new Promise<void>((resolve) => {
      for (const s of sockets) s.destroy();
      server.close(() => resolve());
    });
  return proxy;
}
