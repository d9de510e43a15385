import { createHash } from 'node:crypto';
import { sql, type Transaction } from 'kysely';
import type { Database } from '../database.js';
import { purgeCustomer, type ChangeAuthor } from './customer-lifecycle-changes.js';
import { eraseFromUnchangedPages } from './unchanged-pages.js';

/** What an erasure removed, table by table (rows removed or emptied of personal data). */
export type ErasureCounts = Record<string, number>;

const count = (result: { numDeletedRows?: bigint; numUpdatedRows?: bigint } | undefined) => Number(result?.numDeletedRows ?? result?.numUpdatedRows ?? 0n);

/**
 * Removes a customer's personal data everywhere custsync keeps it, in the caller's transaction:
 * the customer and its items; the values in its change log (entries keep only which aspects
 * changed); staging, bulk uploads, previews and held copies of it; the raw lines and reasons of
 * its rejected rows; its push states, order events and withheld rows; idempotency answers and
 * notifications that name it. Leaves an audit entry without personal data and the change log's
 * `purged` entry. Identified by its id and every external id it had.
 */
export async function eraseCustomer(trx: Transaction<Database>, customerId: string, by: ChangeAuthor): Promise<ErasureCounts> {
  const customer = await trx.selectFrom('customers').select(['source_connector', 'source_id']).where('id', '=', customerId).executeTakeFirstOrThrow();
  const known = await trx.selectFrom('external_ids').select(['connector', 'external_id']).where('customer_id', '=', customerId).execute();
  const ids = [...new Set([customer.source_id, ...known.map((k) => k.external_id)])];
  const connectors = [...new Set([customer.source_connector, ...known.map((k) => k.connector)])];
  const counts: ErasureCounts = {};
  const like = [customerId, ...ids].map((v) => `%${v.replace(/[\\%_]/g, (c) => `\\${c}`)}%`);

  counts.change_log = count(
    await trx
      .updateTable('change_log')
      .set({
        diff: sql`(select coalesce(jsonb_agg(jsonb_build_object('aspect', d->>'aspect', 'change', d->>'change')), '[]'::jsonb) from jsonb_array_elements(diff) d)`,
      })
      .where('customer_id', '=', customerId)
      .executeTakeFirst(),
  );
  counts.source_digests = count(
    await trx
      .deleteFrom('source_digests')
      .where((eb) => eb.and([eb('connector', 'in', connectors), eb('external_id', 'in', ids)]))
      .executeTakeFirst(),
  );
  counts.staging_records = count(
    await trx
      .deleteFrom('staging_records')
      .where((eb) => eb.or([eb('customer_id', '=', customerId), eb('external_id', 'in', ids)]))
      .executeTakeFirst(),
  );
  counts.unchanged_pages = await eraseFromUnchangedPages(trx, customerId, ids);
  counts.rejected_records = count(
    await trx
      .updateTable('rejected_records')
      .set({ raw: null, reason: 'erased on request', field: null, external_id: null })
      .where('external_id', 'in', ids)
      .executeTakeFirst(),
  );
  counts.withheld_customers = count(await trx.deleteFrom('withheld_customers').where('external_id', 'in', ids).executeTakeFirst());
  counts.pending_customers = count(
    await trx
      .deleteFrom('pending_customers')
      .where((eb) => eb.or([eb('customer_id', '=', customerId), eb.and([eb('source_connector', 'in', connectors), eb('source_id', 'in', ids)])]))
      .executeTakeFirst(),
  );
  counts.sync_run_previews = count(
    await trx
      .deleteFrom('sync_run_previews')
      .where((eb) => eb.or([eb('customer_id', '=', customerId), eb('source_id', 'in', ids)]))
      .executeTakeFirst(),
  );
  counts.bulk_upload_records = count(await trx.deleteFrom('bulk_upload_records').where(sql<boolean>`record->>'externalId' = any(${ids})`).executeTakeFirst());
  counts.customer_pushes = count(await trx.deleteFrom('customer_pushes').where('customer_id', '=', customerId).executeTakeFirst());
  counts.order_events = count(await trx.deleteFrom('order_events').where('external_id', 'in', ids).where('connector', 'in', connectors).executeTakeFirst());
  counts.sync_run_missing = count(await trx.deleteFrom('sync_run_missing').where('customer_id', '=', customerId).executeTakeFirst());
  counts.idempotent_requests = count(
    await trx
      .deleteFrom('idempotent_requests')
      .where(sql<boolean>`body::text like any(${like})`)
      .executeTakeFirst(),
  );
  counts.notification_outbox = count(
    await trx
      .deleteFrom('notification_outbox')
      .where(sql<boolean>`(details::text || text) like any(${like})`)
      .executeTakeFirst(),
  );
  await purgeCustomer(trx, customerId, by);
  await trx
    .insertInto('customer_erasures')
    .values({
      customer_id: customerId,
      source_connector: customer.source_connector,
      source_id_sha256: createHash('sha256').update(customer.source_id).digest('hex'),
      erased_by: by.actor,
    })
    .execute();
  return counts;
}
