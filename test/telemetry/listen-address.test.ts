import { describe, expect, it } from 'vitest';
import { parseListenAddress } from '../../src/telemetry/listen-address.js';

describe('a metrics listen address', () => {
  it('reads :port (all interfaces), host:port, [ipv6]:port and a bare port', () => {
    expect(parseListenAddress(':9464')).toEqual({ host: '0.0.0.0', port: 9464 });
    expect(parseListenAddress('127.0.0.1:9464')).toEqual({ host: '127.0.0.1', port: 9464 });
    expect(parseListenAddress('[::1]:9464')).toEqual({ host: '::1', port: 9464 });
    expect(parseListenAddress('9464')).toEqual({ host: '0.0.0.0', port: 9464 });
    expect(parseListenAddress('localhost:80')).toEqual({ host: 'localhost', port: 80 });
  });

  it('refuses anything else, saying which forms it takes', () => {
    for (const text of ['', ':', ':0', ':65536', 'host', '::1:9464', 'http://x:9464', '127.0.0.1:94a']) {
      expect(() => parseListenAddress(text), text).toThrow(/give \[host\]:port, host:port or :port/);
    }
  });
});
