import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '@/db/client';
import { queryRows } from '../helpers/database';

async function countApplied(handle: Awaited<ReturnType<typeof openDatabase>>) {
  const [row] = await queryRows<{ n: number }>(handle.db, sql`select count(*)::int as n from drizzle.__drizzle_migrations`);
  return row!.n;
}

describe('migrations', () => {
  it('apply to an empty database, and a second run is a no-op', async () => {
    const handle = await openDatabase({ driver: 'pglite', dataDir: 'memory://', autoMigrate: true });
    try {
      const applied = await countApplied(handle);
      expect(applied).toBeGreaterThanOrEqual(3);
      const { migrate } = await import('drizzle-orm/pglite/migrator');
      const { MIGRATIONS_FOLDER } = await import('@/db/client');
      await migrate(handle.db as never, { migrationsFolder: MIGRATIONS_FOLDER });
      expect(await countApplied(handle)).toBe(applied);
    } finally {
      await handle.close();
    }
  });

  it('recreate roles idempotently when another database on the server already has them', async () => {
    const handle = await openDatabase({ driver: 'pglite', dataDir: 'memory://', autoMigrate: true });
    try {
      // The roles migration is re-run by hand against a database where the roles exist.
      const { readFile } = await import('node:fs/promises');
      const { MIGRATIONS_FOLDER } = await import('@/db/client');
      const text = await readFile(`${MIGRATIONS_FOLDER}/0000_extensions_and_roles.sql`, 'utf8');
      for (const statement of text.split('--> statement-breakpoint')) {
        await handle.db.execute(sql.raw(statement));
      }
      const [roles] = await queryRows<{ n: number }>(
        handle.db,
        sql`select count(*)::int as n from pg_roles where rolname in ('app_tenant', 'app_system')`,
      );
      expect(roles!.n).toBe(2);
    } finally {
      await handle.close();
    }
  });
});
