// `npm run db:seed` (and the first step of `npm run dev`): opens the configured database,
// which applies pending migrations, then adds the demo data if it is not there yet.
import { randomBytes } from 'node:crypto';
import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import { closeDatabase, getDatabase } from './client';
import { DEMO_PASSWORD, seedDatabase } from './seed';

// Auth.js needs a secret even in development. Create one in .env.local (git-ignored) on
// first run, as `npx auth secret` would, so a fresh clone signs in without setup.
function ensureDevelopmentAuthSecret() {
  if (process.env.AUTH_SECRET || process.env.NODE_ENV === 'production') return;
  const file = '.env.local';
  if (existsSync(file) && /^AUTH_SECRET=/m.test(readFileSync(file, 'utf8'))) return;
  appendFileSync(file, `${existsSync(file) ? '\n' : ''}# Created by npm run dev: signs session cookies in development.\nAUTH_SECRET=${randomBytes(32).toString('base64')}\n`);
  console.log('Created AUTH_SECRET in .env.local for development sign-in.');
}

ensureDevelopmentAuthSecret();

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
