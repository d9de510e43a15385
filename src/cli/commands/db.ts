import { Command } from 'commander';
import { migrateToLatest } from '../../db/migrate.js';
import { openDatabase } from '../../db/open-database.js';

/** `custsync db migrate`. */
export function dbCommand(): Command {
  const db = new Command('db').description('the database');
  db.command('migrate')
    .description('apply pending schema migrations to DATABASE_URL (or the embedded database)')
    .action(async () => {
      const database = await openDatabase({ migrate: false, serveEmbedded: true });
      try {
        const result = await migrateToLatest(database.db);
        const applied = result.results?.map((r) => r.migrationName) ?? [];
        console.log(applied.length ? `applied: ${applied.join(', ')}` : 'schema is up to date');
      } finally {
        await database.close();
      }
    });
  return db;
}
