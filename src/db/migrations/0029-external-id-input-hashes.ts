import { sql, type Kysely } from 'kysely';

// Frozen in time: this migration must never import the application's Database types.

/**
 * Each external id keeps its customer's input hash beside it, so that a re-sync learns whether a
 * customer was merged from the record its source digest names without reading the customer's
 * (wide, seldom cached) row. The database keeps the copy right, whatever writes:
 * - a change of a customer's input hash is copied to its external ids, in the same statement;
 * - an external id moved to another customer takes that customer's;
 * - an external id written without one holds null.
 * Null means "not known here": the reader then takes the customer's own. Existing external ids
 * are given their customers' hashes. Pages are left a tenth free, so that the copy's update stays
 * on its row's page and touches no index (a delta's WAL).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table external_ids add column input_hash text`.execute(db);
  await sql`alter table external_ids set (fillfactor = 90)`.execute(db);
  await sql`update external_ids e set input_hash = c.input_hash from customers c where c.id = e.customer_id and c.input_hash is not null`.execute(db);
  await sql`create function customers_input_hash_to_external_ids() returns trigger language plpgsql as $$
    begin
      update external_ids set input_hash = new.input_hash where customer_id = new.id and input_hash is distinct from new.input_hash;
      return null;
    end $$`.execute(db);
  await sql`create trigger customers_input_hash_to_external_ids after update of input_hash on customers
    for each row when (old.input_hash is distinct from new.input_hash) execute function customers_input_hash_to_external_ids()`.execute(db);
  await sql`create function external_ids_moved_take_input_hash() returns trigger language plpgsql as $$
    begin
      new.input_hash := (select c.input_hash from customers c where c.id = new.customer_id);
      return new;
    end $$`.execute(db);
  await sql`create trigger external_ids_moved_take_input_hash before update of customer_id on external_ids
    for each row when (old.customer_id is distinct from new.customer_id) execute function external_ids_moved_take_input_hash()`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop trigger external_ids_moved_take_input_hash on external_ids`.execute(db);
  await sql`drop function external_ids_moved_take_input_hash()`.execute(db);
  await sql`drop trigger customers_input_hash_to_external_ids on customers`.execute(db);
  await sql`drop function customers_input_hash_to_external_ids()`.execute(db);
  await sql`alter table external_ids reset (fillfactor)`.execute(db);
  await sql`alter table external_ids drop column input_hash`.execute(db);
}
