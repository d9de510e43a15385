import { TLS_CERTIFICATE_ERRORS } from '../domain/tls-certificate-errors.js';

/** What to do about a database connection that fails, by what the driver said: rules as data. */
const HINTS: { test: (code: string, message: string) => boolean; hint: string }[] = [
  {
    test: (code) => TLS_CERTIFICATE_ERRORS.untrusted.test(code),
    hint: "the server's certificate is not signed by a CA this client trusts: add sslrootcert=<the CA's PEM file> to DATABASE_URL",
  },
  { test: (code) => TLS_CERTIFICATE_ERRORS.wrongName.test(code), hint: "the server's certificate is not for this host: connect by a name the certificate holds" },
  { test: (code) => TLS_CERTIFICATE_ERRORS.outOfDate.test(code), hint: "the server's certificate is outside its validity period: renew it" },
  { test: (_code, message) => message.includes('does not support SSL'), hint: 'the server does not accept TLS: turn ssl on in postgresql.conf, or drop sslmode from DATABASE_URL' },
  { test: (code, message) => code === 'ENOENT' && /ssl|\.pem|\.crt|\.key/i.test(message), hint: 'a file named by sslrootcert, sslcert or sslkey in DATABASE_URL does not exist' },
  { test: (_code, message) => /no encryption/.test(message), hint: 'the server accepts this user only over TLS: add sslmode=verify-full&sslrootcert=<CA file> to DATABASE_URL' },
];

/** A sentence saying how to fix a failed connection, or undefined when there is nothing to add. */
export function connectionProblemHint(error: unknown): string | undefined {
  const raw = (error as { code?: unknown }).code;
  const code = typeof raw === 'string' ? raw : '';
  const message = error instanceof Error ? error.message : String(error);
  return HINTS.find((h) => h.test(code, message))?.hint;
}
