import { sql, type Kysely } from 'kysely';
import type { Database } from '../database.js';
import type { CustomerRow } from './customers.js';

/** What a customer list is filtered by; every filter given must hold. */
export interface CustomerFilter {
  type?: 'PERSON' | 'COMPANY';
  /** Changed at or after this time. */
  updatedSince?: Date;
  /** `active`: neither missing nor deleted. */
  state?: 'active' | 'missing' | 'deleted';
  /** Has this customer attribute with this value (compared as text). */
  attribute?: { key: string; value: string };
  /** Text in the name (any part, case-insensitive), or exactly a code (source or external id), an email or a VAT number. */
  text?: string;
}

const escapeLike = (text: string) => text.replace(/[\\%_]/g, (c) => `\\${c}`);

/**
 * A page of customers matching `filter`, ordered by id, after customer id `after`: ids never
 * change, so paging on while customers are written neither repeats nor skips one.
 */
export async function searchCustomers(db: Kysely<Database>, filter: CustomerFilter, after: string | undefined, limit: number): Promise<CustomerRow[]> {
  let query = db.selectFrom('customers as c').selectAll('c');
  if (after) query = query.where('c.id', '>', after);
  if (filter.type) query = query.where('c.type', '=', filter.type);
  if (filter.updatedSince) query = query.where('c.updated_at', '>=', filter.updatedSince);
  if (filter.state === 'active') query = query.where('c.deleted_at', 'is', null).where('c.missing_since', 'is', null);
  if (filter.state === 'missing') query = query.where('c.deleted_at', 'is', null).where('c.missing_since', 'is not', null);
  if (filter.state === 'deleted') query = query.where('c.deleted_at', 'is not', null);
  const attribute = filter.attribute;
  if (attribute) {
    query = query.where((eb) =>
      eb.exists(
        eb.selectFrom('customer_attributes as a')
          .select(sql`1`.as('one'))
          .whereRef('a.customer_id', '=', 'c.id')
          .where('a.key', '=', attribute.key)
          .where(sql<boolean>`a.value #>> '{}' = ${attribute.value}`),
      ),
    );
  }
  const text = filter.text?.trim();
  if (text) {
    const pattern = `%${escapeLike(text.toLowerCase())}%`;
    const lowered = text.toLowerCase();
    query = query.where((eb) =>
      eb.or([
        sql<boolean>`lower(concat_ws(' ', c.first_name, c.last_name, c.display_name, c.company_name)) like ${pattern}`,
        sql<boolean>`c.source_id = ${text}`,
        eb.exists(eb.selectFrom('external_ids as e').select(sql`1`.as('one')).whereRef('e.customer_id', '=', 'c.id').where('e.external_id', '=', text)),
        eb.exists(
          eb.selectFrom('customer_contact_details as d')
            .select(sql`1`.as('one'))
            .whereRef('d.customer_id', '=', 'c.id')
            .where('d.kind', '=', 'email')
            .where(sql<boolean>`lower(d.value) = ${lowered}`),
        ),
        eb.exists(
          eb.selectFrom('contact_persons as p')
            .select(sql`1`.as('one'))
            .whereRef('p.customer_id', '=', 'c.id')
            .where(sql<boolean>`lower(p.email) = ${lowered}`),
        ),
        eb.exists(
          eb.selectFrom('customer_attributes as v')
            .select(sql`1`.as('one'))
            .whereRef('v.customer_id', '=', 'c.id')
            .where('v.key', '=', 'vatNumber')
            .where(sql<boolean>`v.value #>> '{}' = ${text}`),
        ),
      ]),
    );
  }
  return query.orderBy('c.id').limit(limit).execute();
}
