import { createServer } from 'node:http';

/** The companies the demo's partner directory lists at first. */
const PARTNERS = [
  ['PA-1', 'Fjord Freight AS', 'orders@fjordfreight.example'],
  ['PA-2', 'Baltic Paper Oy', 'sales@balticpaper.example'],
  ['PA-3', 'Alpine Tools GmbH', 'info@alpinetools.example'],
  ['PA-4', 'Douro Cork Lda', 'hello@dourocork.example'],
  ['PA-5', 'Lagom Textiles AB', 'kontakt@lagom.example'],
  ['PA-6', 'Tagus Ceramics SA', 'geral@tagus.example'],
] as const;

/** A partner directory for the demo: an HTTP listing of companies on 127.0.0.1 (never for production data). */
export interface DemoPartnerDirectory {
  baseUrl: string;
  /** How many it lists now. */
  listed(): number;
  /** From now on it lists only the first `n` (a truncated export: most partners look deleted). */
  keepOnly(n: number): void;
  close(): Promise<void>;
}

/**
 * Serves `GET /partners` as `{ items: [customer records] }` on 127.0.0.1:`port`: what the
 * example config's `partners` connector (type `http`) reads. Shrinking it makes the next
 * full listing lack most customers, so the run waits for a person to approve the deletions.
 */
export async function startDemoPartnerDirectory(port: number): Promise<DemoPartnerDirectory> {
  let count: number = PARTNERS.length;
  const server = createServer((req, res) => {
    if (req.method !== 'GET' || !req.url?.startsWith('/partners')) {
      res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"not found"}');
      return;
    }
    const items = PARTNERS.slice(0, count).map(([externalId, companyName, email]) => ({
      externalId,
      type: 'COMPANY',
      name: { companyName },
      customerContactDetails: [{ kind: 'email', value: email }],
    }));
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ items }));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    listed: () => count,
    keepOnly: (n) => void (count = Math.max(0, Math.min(n, PARTNERS.length))),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
