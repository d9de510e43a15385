/** Where a metrics endpoint listens. */
export interface ListenAddress {
  host: string;
  port: number;
}

/**
 * Reads `[host]:port`, `host:port` or `:port` (all interfaces, as Prometheus exporters take it);
 * throws naming the expected form.
 */
export function parseListenAddress(text: string, defaultHost = '0.0.0.0'): ListenAddress {
  const match = /^(?:\[([^\]]+)\]|([^:[\]]*))?:(\d{1,5})$/.exec(text.trim()) ?? /^()()(\d{1,5})$/.exec(text.trim());
  const port = match ? Number(match[3]) : NaN;
  if (!match || !(port >= 1 && port <= 65_535)) {
    throw new Error(`"${text}" is not a listen address: give [host]:port, host:port or :port (e.g. :9464 or 127.0.0.1:9464)`);
  }
  return { host: match[1] || match[2] || defaultHost, port };
}
