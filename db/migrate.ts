// `npm run db:migrate`: applies pending migrations to the configured database and exits.
import { closeDatabase, databaseConfigFromEnv, migratePostgresDatabase, openDatabase } from './client';

const config = databaseConfigFromEnv();
try {
  if (config.driver === 'postgres') {
    await migratePostgresDatabase(config.directUrl ?? config.url);
  } else {
    // Opening the embedded database with autoMigrate applies the migrations.
    const handle = await openDatabase({ ...config, autoMigrate: true });
    await handle.close();
  }
  console.log(`Migrations applied (${config.driver}).`);
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
} finally {
  await closeDatabase();
}
