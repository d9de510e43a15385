import { createHash } from 'node:crypto';

/**
 * The id a run gives the customer a source external id creates: the MD5 of `<run id>/<external
 * id>` as a UUID — what the source step's matching derives in SQL (`md5(…)::uuid`), so a retried
 * run assigns the very same ids wherever they are derived.
 */
export function newCustomerId(runId: string, externalId: string): string {
  const hex = createHash('md5').update(`${runId}/${externalId}`, 'utf8').digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
