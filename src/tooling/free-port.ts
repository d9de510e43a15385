import net from 'node:net';

/** A TCP port on 127.0.0.1 that was free a moment ago (for servers started by tests and benchmarks). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** Whether a TCP port on 127.0.0.1 can be listened on now. */
function canListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/**
 * A free TCP port on 127.0.0.1 below the kernel's ephemeral range (32768 and up on Linux), for
 * a server that stops and starts again on the same port: while it is down, no outgoing
 * connection is given the port as its local one, and no `freePort()` hands it out.
 */
export async function freeStablePort(): Promise<number> {
  const first = 20_000 + Math.floor(Math.random() * 10_000);
  for (let i = 0; i < 2_000; i++) {
    const port = 20_000 + ((first - 20_000 + i) % 10_000);
    if (await canListen(port)) return port;
  }
  throw new Error('no free port between 20000 and 29999 on 127.0.0.1');
}
