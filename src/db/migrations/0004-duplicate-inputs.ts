import { sql, type Kysely } from 'kysely';

// Frozen in time: this migration must never import the application's Database types.

/** Inputs whose content an earlier input already delivered under another name: status `duplicate`, and which one. */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('sync_run_inputs').dropConstraint('sync_run_inputs_status_check').execute();
  await db.schema
    .alterTable('sync_run_inputs')
    .addCheckConstraint('sync_run_inputs_status_check', sql`status in ('applied', 'superseded', 'duplicate')`)
    .execute();
  await db.schema.alterTable('sync_run_inputs').addColumn('duplicate_of', 'text').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.deleteFrom('sync_run_inputs').where('status', '=', 'duplicate').execute();
  await db.schema.alterTable('sync_run_inputs').dropColumn('duplicate_of').execute();
  await db.schema.alterTable('sync_run_inputs').dropConstraint('sync_run_inputs_status_check').execute();
  await db.schema
    .alterTable('sync_run_inputs')
    .addCheckConstraint('sync_run_inputs_status_check', sql`status in ('applied', 'superseded')`)
    .execute();
}
