import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import { vector } from '@electric-sql/pglite-pgvector';
import { type DatabaseHandle, openDatabase } from '@/db/client';

/** A fresh, migrated in-memory PGlite database (PostgreSQL 18 + pgvector). */
export function createTestDatabase(): Promise<DatabaseHandle> {
  return openDatabase({ driver: 'pglite', dataDir: 'memory://', autoMigrate: true });
}

/**
 * PGlite behind a PostgreSQL wire-protocol server on a free loopback port, reached through
 * postgres.js like a production server: proves the production driver path.
 */
export async function createWireProtocolDatabase(): Promise<DatabaseHandle & { url: string }> {
  const pglite = await PGlite.create({ dataDir: 'memory://', extensions: { vector } });
  const server = new PGLiteSocketServer({ db: pglite, host: '127.0.0.1', port: 0, maxConnections: 8 });
  await server.start();
  const url = `postgres://postgres:postgres@${server.getServerConn()}/postgres?sslmode=disable`;
  const handle = await openDatabase({ driver: 'postgres', url, poolSize: 4, prepare: true, autoMigrate: true });
  return {
    ...handle,
    url,
    close: async () => {
      await handle.close();
      await server.stop();
      await pglite.close();
    },
  };
}

/** The SQLSTATE of a database error, whichever driver raised it (drizzle wraps it in `cause`). */
export function sqlState(error: unknown): string | undefined {
  let current: unknown = error;
  while (current && typeof current === 'object') {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

export async function expectSqlState(promise: Promise<unknown>, state: string): Promise<void> {
  let caught: unknown;
  try {
    await promise;
  } catch (error) {
    caught = error;
  }
  if (caught === undefined) throw new Error(`Expected SQLSTATE ${state}, but the statement succeeded.`);
  const actual = sqlState(caught);
  if (actual !== state) throw new Error(`Expected SQLSTATE ${state}, got ${actual ?? 'none'}: ${String(caught)}`);
}

export { executeRows as queryRows } from '@/db/sql';
