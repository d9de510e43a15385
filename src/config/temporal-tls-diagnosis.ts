import { connect, type ConnectionOptions } from 'node:tls';
import { TLS_CERTIFICATE_ERRORS } from '../domain/tls-certificate-errors.js';
import type { TemporalSettings } from './temporal-settings.js';

/**
 * The gRPC clients report a failed TLS handshake only as "failed to connect before the
 * deadline". This repeats the handshake with Node's own TLS, as the client would make it, to
 * say what went wrong and which setting fixes it.
 */

const HTTP2_PREFACE = 'PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n';

/** What a handshake error code means, and the setting that fixes it. */
const TLS_PROBLEMS: { codes: RegExp; say: (host: string) => string }[] = [
  {
    codes: TLS_CERTIFICATE_ERRORS.untrusted,
    say: () => "the server's certificate is not signed by a CA this client trusts: set TEMPORAL_TLS_SERVER_CA_CERT_PATH (or temporal.tls.serverCaCertFile) to the CA that signed it",
  },
  {
    codes: TLS_CERTIFICATE_ERRORS.wrongName,
    say: (host) => `the server's certificate is not for ${host}: set TEMPORAL_TLS_SERVER_NAME (or temporal.tls.serverName) to a name the certificate holds`,
  },
  { codes: TLS_CERTIFICATE_ERRORS.outOfDate, say: () => "the server's certificate is outside its validity period: renew it" },
  {
    codes: /CERTIFICATE_REQUIRED|HANDSHAKE_FAILURE/,
    say: () => 'the server requires a client certificate: set TEMPORAL_TLS_CLIENT_CERT_PATH and TEMPORAL_TLS_CLIENT_KEY_PATH (or temporal.tls.clientCertFile and clientKeyFile)',
  },
  {
    codes: /UNKNOWN_CA|BAD_CERTIFICATE|CERTIFICATE_UNKNOWN|ACCESS_DENIED|DECRYPT_ERROR/,
    say: () => 'the server refused the client certificate in TEMPORAL_TLS_CLIENT_CERT_PATH (or temporal.tls.clientCertFile): it is not signed by a CA the server trusts',
  },
  { codes: /WRONG_VERSION_NUMBER|PACKET_LENGTH_TOO_LONG|UNKNOWN_PROTOCOL/, say: () => 'the server does not speak TLS: set TEMPORAL_TLS=false, or use its TLS port' },
  { codes: /NO_APPLICATION_PROTOCOL|ALPN/, say: () => 'the TLS endpoint does not offer HTTP/2 (ALPN h2), which gRPC needs: a TLS proxy in front of Temporal must negotiate h2' },
];

function hostPort(address: string): { host: string; port: number } {
  const at = address.lastIndexOf(':');
  return { host: address.slice(0, at).replace(/^\[|\]$/g, ''), port: Number(address.slice(at + 1)) };
}

/** The outcome of one handshake: `ok`, the error's code and message, or `unreachable`. */
function handshake(options: ConnectionOptions, timeoutMs: number): Promise<{ ok: true; alpn?: string } | { ok: false; code: string; message: string }> {
  return new Promise((resolve) => {
    const socket = connect(options);
    let settled = false;
    const finish = (result: { ok: true; alpn?: string } | { ok: false; code: string; message: string }) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      resolve(result);
    };
    const timer = setTimeout(() => finish({ ok: false, code: 'TIMEOUT', message: 'no answer' }), timeoutMs);
    socket.once('error', (error: NodeJS.ErrnoException) => finish({ ok: false, code: error.code ?? '', message: error.message }));
    socket.once('secureConnect', () => {
      // Under TLS 1.3 a server refuses a client certificate only after this: wait for its first frame or its alert.
      socket.write(HTTP2_PREFACE);
      socket.once('data', () => finish({ ok: true, ...(socket.alpnProtocol ? { alpn: socket.alpnProtocol } : {}) }));
    });
    socket.once('close', () => finish({ ok: false, code: 'CLOSED', message: 'the server closed the connection' }));
  });
}

/**
 * Why a TLS connection to Temporal with these settings fails, naming the setting to fix, or
 * undefined when the handshake works (or the address does not answer at all). With plaintext
 * settings, says so when the server turns out to speak TLS.
 */
export async function diagnoseTemporalTls(settings: TemporalSettings, timeoutMs = 3_000): Promise<string | undefined> {
  const { host, port } = hostPort(settings.address);
  const tls = typeof settings.tls === 'object' ? settings.tls : undefined;
  const usesTls = settings.tls !== undefined && settings.tls !== false;
  const result = await handshake(
    {
      host,
      port,
      ALPNProtocols: ['h2'],
      servername: tls?.serverNameOverride ?? (/^[\d.:]+$/.test(host) ? undefined : host),
      ...(tls?.serverRootCACertificate ? { ca: Buffer.from(tls.serverRootCACertificate) } : {}),
      ...(tls?.clientCertPair ? { cert: Buffer.from(tls.clientCertPair.crt), key: Buffer.from(tls.clientCertPair.key) } : {}),
      ...(usesTls ? {} : { rejectUnauthorized: false }),
    },
    timeoutMs,
  );
  if (!usesTls) {
    return result.ok || /SELF_SIGNED|UNABLE_TO|CERTIFICATE|ALERT/.test(`${result.code} ${result.message}`)
      ? 'the server speaks TLS: set TEMPORAL_TLS=true and TEMPORAL_TLS_SERVER_CA_CERT_PATH to the CA that signed its certificate'
      : undefined;
  }
  if (result.ok) return result.alpn === 'h2' ? undefined : TLS_PROBLEMS.at(-1)!.say(host);
  if (['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'TIMEOUT', 'EHOSTUNREACH'].includes(result.code)) return undefined;
  // A server that refuses the certificate a client presented may just hang up after the handshake.
  const closedOnCertificate = result.code === 'CLOSED' && tls?.clientCertPair !== undefined;
  const text = closedOnCertificate ? 'UNKNOWN_CA' : `${result.code} ${result.message}`.toUpperCase().replaceAll(' ', '_');
  const problem = TLS_PROBLEMS.find((p) => p.codes.test(text));
  return problem ? problem.say(tls?.serverNameOverride ?? host) : `TLS handshake failed: ${result.message}`;
}
