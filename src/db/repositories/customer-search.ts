import { sql, type Kysely } from 'kysely';
import type { Database } from '../database.js';
import type { CustomerRow } from './customers.js';

/** What a customer list is filtered by; every filter given must hold. */
export interface CustomerFilter {
  type?: 'PERSON' | 'COMPANY';
  /** Changed at or after this time. */
  updatedSince?: Date;
  /** `active`: neither missing nor deleted; `present`: not deleted (active or missing); default any. */
  state?: 'active' | 'missing' | 'deleted' | 'present';
  /** Has this customer attribute with this value (compared as text). */
  attribute?: { key: string; value: string };
  /** Text in the name (any part, case-insensitive), or exactly a code (source or external id), an email or a VAT number. */
  text?: string;
}

/** A customer's names as one lowercase text: the expression the trigram index `customers_name_trgm_idx` is on. */
const NAME_TEXT = sql`lower(coalesce(n.first_name, '') || ' ' || coalesce(n.last_name, '') || ' ' || coalesce(n.display_name, '') || ' ' || coalesce(n.company_name, ''))`;

const escapeLike = (text: string) => text.replace(/[\\%_]/g, (c) => `\\${c}`);

/**
 * A page of customers matching `filter`, ordered by id, after customer id `after`: ids never
 * change, so paging on while customers are written neither repeats nor skips one.
 */
export async function searchCustomers(db: Kysely<Database>, filter: CustomerFilter, after: string | undefined, limit: number): Promise<CustomerRow[]> {
  return customerSearch(db, filter, after, limit).execute();
}

/** The plan PostgreSQL chooses for a search (EXPLAIN, text): which indexes it uses. */
export async function customerSearchPlan(db: Kysely<Database>, filter: CustomerFilter, limit: number): Promise<string> {
  const rows = await customerSearch(db, filter, undefined, limit).explain();
  return rows.map((r) => String(Object.values(r)[0])).join('\n');
}

function customerSearch(db: Kysely<Database>, filter: CustomerFilter, after: string | undefined, limit: number) {
  // A customer merged into another is found as that one.
  let query = db.selectFrom('customers as c').selectAll('c').where('c.merged_into', 'is', null);
  if (after) query = query.where('c.id', '>', after);
  if (filter.type) query = query.where('c.type', '=', filter.type);
  if (filter.updatedSince) query = query.where('c.updated_at', '>=', filter.updatedSince);
  if (filter.state === 'active') query = query.where('c.deleted_at', 'is', null).where('c.missing_since', 'is', null);
  if (filter.state === 'missing') query = query.where('c.deleted_at', 'is', null).where('c.missing_since', 'is not', null);
  if (filter.state === 'deleted') query = query.where('c.deleted_at', 'is not', null);
  if (filter.state === 'present') query = query.where('c.deleted_at', 'is', null);
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
    // One indexed lookup per kind of match (trigram on names, exact on the rest), united.
    const pattern = `%${escapeLike(text.toLowerCase())}%`;
    const lowered = text.toLowerCase();
    query = query.where(
      'c.id',
      'in',
      sql<string>`(select n.id from customers n where ${NAME_TEXT} like ${pattern}
        union select n.id from customers n where n.source_id = ${text}
        union select e.customer_id from external_ids e where e.external_id = ${text}
        union select d.customer_id from customer_contact_details d where d.kind = 'email' and lower(d.value) = ${lowered}
        union select p.customer_id from contact_persons p where lower(p.email) = ${lowered}
        union select v.customer_id from customer_attributes v where v.key = 'vatNumber' and v.value #>> '{}' = ${text})`,
    );
  }
  return query.orderBy('c.id').limit(limit);
}
