import { defineConfig } from 'drizzle-kit';

// Only `drizzle-kit generate` is used: it diffs db/schema.ts against migrations/meta and
// needs no database. Migrations are applied by db/migrate.ts (see README).
export default defineConfig({
  dialect: 'postgresql',
  schema: './db/schema.ts',
  out: './migrations',
  strict: true,
  verbose: true,
});
