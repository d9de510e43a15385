import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** A certificate and its key, as PEM files. */
export interface IssuedCertificate {
  cert: string;
  key: string;
}

/** A certificate authority made for one test (openssl), issuing server and client certificates. */
export interface TestCa {
  dir: string;
  /** The CA's own certificate: what a client trusts to verify a server, or a server to verify clients. */
  caCert: string;
  /** A certificate for `names` (DNS names; 127.0.0.1 is always included), for a server or a client. */
  issue(name: string, options?: { names?: string[]; client?: boolean }): Promise<IssuedCertificate>;
}

/** Makes a fresh CA (EC P-256, valid one day) in a temporary folder. */
export async function makeTestCa(label = 'custsync test CA'): Promise<TestCa> {
  const dir = mkdtempSync(join(tmpdir(), 'custsync-ca-'));
  const caKey = join(dir, 'ca.key');
  const caCert = join(dir, 'ca.pem');
  await run('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-days', '1', '-subj', `/CN=${label}`, '-keyout', caKey, '-out', caCert]);
  return {
    dir,
    caCert,
    async issue(name, options = {}) {
      const key = join(dir, `${name}.key`);
      const csr = join(dir, `${name}.csr`);
      const cert = join(dir, `${name}.pem`);
      const ext = join(dir, `${name}.ext`);
      const names = ['IP:127.0.0.1', ...(options.names ?? ['localhost']).map((n) => `DNS:${n}`)];
      writeFileSync(ext, `subjectAltName=${names.join(',')}\nextendedKeyUsage=${options.client ? 'clientAuth' : 'serverAuth'}\nbasicConstraints=CA:FALSE\n`);
      await run('openssl', ['req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-subj', `/CN=${name}`, '-keyout', key, '-out', csr]);
      await run('openssl', ['x509', '-req', '-in', csr, '-CA', caCert, '-CAkey', caKey, '-CAcreateserial', '-days', '1', '-extfile', ext, '-out', cert]);
      return { cert, key };
    },
  };
}
