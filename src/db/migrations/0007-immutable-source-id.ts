import { sql, type Kysely } from 'kysely';

// Frozen in time: this migration must never import the application's Database types.

/**
 * A customer's `source_id` (and the connector it belongs to) is set when the customer is
 * created and can never change: the database refuses an update that would change it,
 * as a check violation (SQLSTATE 23514) naming the customer and both values.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`create function customers_source_id_immutable() returns trigger language plpgsql as $$
    begin
      if new.source_id is distinct from old.source_id or new.source_connector is distinct from old.source_connector then
        raise exception using
          errcode = '23514',
          message = format('source id of customer %s is immutable: %s:%s cannot become %s:%s',
            old.id, old.source_connector, old.source_id, new.source_connector, new.source_id);
      end if;
      return new;
    end $$`.execute(db);
  await sql`create trigger customers_source_id_immutable before update of source_id, source_connector on customers
    for each row execute function customers_source_id_immutable()`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop trigger customers_source_id_immutable on customers`.execute(db);
  await sql`drop function customers_source_id_immutable()`.execute(db);
}
