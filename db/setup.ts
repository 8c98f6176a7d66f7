// `npm run db:seed` (and the first step of `npm run dev`): opens the configured database,
// which applies pending migrations, then adds the demo data if it is not there yet.
import { closeDatabase, getDatabase } from './client';
import { DEMO_PASSWORD, seedDatabase } from './seed';

const started = Date.now();
try {
  const { db, driver } = await getDatabase();
  const result = await seedDatabase(db);
  console.log(`Database ready (${driver}, migrated and seeded in ${Date.now() - started} ms).`);
  for (const tenant of result.tenants) {
    console.log(`  ${tenant.name}: sign in as ${tenant.ownerEmail} / ${DEMO_PASSWORD}`);
  }
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
} finally {
  await closeDatabase();
}
