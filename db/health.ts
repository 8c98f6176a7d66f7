import 'server-only';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { bigint, pgSchema } from 'drizzle-orm/pg-core';
import { InvalidEnvironmentError } from '@/lib/env';
import { getDatabase, MIGRATIONS_FOLDER } from './client';

export type DatabaseHealth =
  | { ok: true; driver: string; migrations: { applied: number; expected: number } }
  | { ok: false; reason: string };

type Journal = { entries: Array<{ tag: string; when: number }> };

// drizzle-orm's own bookkeeping table (not part of db/schema.ts, so drizzle-kit leaves it alone).
const appliedMigrations = pgSchema('drizzle').table('__drizzle_migrations', {
  createdAt: bigint('created_at', { mode: 'number' }),
});

const UNDEFINED_TABLE = '42P01';

function errorCode(error: unknown): string | undefined {
  const cause = (error as { cause?: { code?: string } }).cause;
  return cause?.code ?? (error as { code?: string }).code;
}

export async function checkDatabaseHealth(): Promise<DatabaseHealth> {
  let journal: Journal;
  try {
    journal = JSON.parse(await readFile(path.join(MIGRATIONS_FOLDER, 'meta', '_journal.json'), 'utf8'));
  } catch {
    return { ok: false, reason: 'The migrations folder is missing from this deployment.' };
  }
  const expected = journal.entries.length;
  const latestExpected = journal.entries.at(-1)?.when ?? 0;
  const behind = (applied: number) =>
    `Database migrations are behind: ${applied} applied, ${expected} expected. Run "npm run db:migrate".`;
  try {
    const { db, driver } = await getDatabase();
    const [row] = await db
      .select({
        applied: sql<number>`count(*)::int`,
        latest: sql<string | null>`max(${appliedMigrations.createdAt})::text`,
      })
      .from(appliedMigrations);
    const applied = row?.applied ?? 0;
    if (Number(row?.latest ?? 0) < latestExpected) return { ok: false, reason: behind(applied) };
    return { ok: true, driver, migrations: { applied, expected } };
  } catch (error) {
    if (errorCode(error) === UNDEFINED_TABLE) return { ok: false, reason: behind(0) };
    if (error instanceof InvalidEnvironmentError) {
      console.error(error.message);
      return { ok: false, reason: 'The server configuration is invalid; the server log names the variables to fix.' };
    }
    console.error('Health check: database unreachable', error);
    return { ok: false, reason: 'The database is unreachable.' };
  }
}
