import { createServer, connect, type Socket } from 'node:net';

/**
 * A TCP proxy on 127.0.0.1 in front of a loopback server. Armed with `holdAfter(n)`, it
 * stops passing server bytes on once one connection has passed `n` of them to the client,
 * so a test can kill the server's session at a known point in a transfer and then cut
 * the connection there: the client never sees what the server sent after that point.
 */
export interface TcpHoldProxy {
  port: number;
  /** Resolves once a connection has passed at least `bytes` server bytes and is held, with a function that cuts it. */
  holdAfter(bytes: number): Promise<() => void>;
  close(): Promise<void>;
}

export async function startTcpHoldProxy(targetPort: number): Promise<TcpHoldProxy> {
  let armed: { bytes: number; held: (cut: () => void) => void } | undefined;
  const sockets = new Set<Socket>();
  const server = createServer((client) => {
    const upstream = connect(targetPort, '127.0.0.1');
    sockets.add(client).add(upstream);
    let passed = 0;
    client.pipe(upstream);
    upstream.on('data', (chunk: Buffer) => {
      client.write(chunk);
      passed += chunk.length;
      if (armed && passed >= armed.bytes) {
        const { held } = armed;
        armed = undefined;
        upstream.pause();
        held(() => {
          client.destroy();
          upstream.destroy();
        });
      }
    });
    const destroyBoth = () => {
      client.destroy();
      upstream.destroy();
    };
    upstream.on('end', () => client.end());
    client.on('error', destroyBoth);
    upstream.on('error', destroyBoth);
    client.on('close', () => sockets.delete(client));
    upstream.on('close', () => sockets.delete(upstream));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('proxy has no port');
  return {
    port: address.port,
    holdAfter(bytes) {
      return new Promise<() => void>((held) => (armed = { bytes, held }));
    },
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
