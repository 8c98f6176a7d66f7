import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import { vector } from '@electric-sql/pglite-pgvector';
import type { Sql } from 'postgres';
import { closeDatabase, type DatabaseHandle, getDatabase, openDatabase } from '@/db/client';
import { getEnv } from '@/lib/env';

/** A fresh, migrated in-memory PGlite database (PostgreSQL 18 + pgvector). */
export function createTestDatabase(): Promise<DatabaseHandle> {
  return openDatabase({ driver: 'pglite', dataDir: 'memory://', autoMigrate: true });
}

/** PGlite (PostgreSQL 18 + pgvector) behind a PostgreSQL wire-protocol server on a free loopback port. */
async function servePglite(maxConnections: number) {
  const pglite = await PGlite.create({ dataDir: 'memory://', extensions: { vector } });
  const server = new PGLiteSocketServer({ db: pglite, host: '127.0.0.1', port: 0, maxConnections });
  await server.start();
  return {
    server,
    url: `postgres://postgres:postgres@${server.getServerConn()}/postgres?sslmode=disable`,
    stop: async () => {
      await server.stop();
      await pglite.close();
    },
  };
}

/**
 * PGlite behind a PostgreSQL wire-protocol server, reached through postgres.js with a pool of
 * `connections` like a production server: proves the production driver path.
 */
export async function createWireProtocolDatabase({ connections = 4 } = {}): Promise<DatabaseHandle & { url: string }> {
  const served = await servePglite(connections * 2);
  const handle = await openDatabase({ driver: 'postgres', url: served.url, poolSize: connections, prepare: true, autoMigrate: true });
  return {
    ...handle,
    url: served.url,
    close: async () => {
      await handle.close();
      await served.stop();
    },
  };
}

export type MultiConnectionDatabase = {
  /** Runs `fn` and counts the client connections that carried its statements. */
  connectionsUsedDuring: <T>(fn: () => Promise<T>) => Promise<{ result: T; connections: number }>;
  close: () => Promise<void>;
};

/** Counts which of the server's connections receive data while `fn` runs. */
function connectionCounter(server: PGLiteSocketServer) {
  // The server keeps its per-connection handlers private; each reports the data it handles.
  const handlers = (server as unknown as { handlers?: Set<EventTarget> }).handlers;
  if (!(handlers instanceof Set)) throw new Error('@electric-sql/pglite-socket no longer exposes its connection handlers: update connectionCounter.');
  return async function connectionsUsedDuring<T>(fn: () => Promise<T>) {
    const used = new Set<EventTarget>();
    const listeners = new Map<EventTarget, () => void>();
    const watch = () => {
      for (const handler of handlers) {
        if (listeners.has(handler)) continue;
        const listener = () => used.add(handler);
        handler.addEventListener('data', listener);
        listeners.set(handler, listener);
      }
    };
    watch();
    server.addEventListener('connection', watch);
    try {
      const result = await fn();
      return { result, connections: used.size };
    } finally {
      server.removeEventListener('connection', watch);
      for (const [handler, listener] of listeners) handler.removeEventListener('data', listener);
    }
  };
}

/**
 * Makes the process's database (what withTenant, withSystem and every action open) a PGlite
 * served over the wire protocol and reached through postgres.js with a pool of `connections`,
 * as in production: concurrent requests run on different connections. Call it in a beforeAll
 * before anything in the test file reads the environment or opens the database.
 *
 * What it cannot do: PGlite is one PostgreSQL backend, so the server runs one transaction at a
 * time and queues the others' statements until it ends (tests/db/multi-connection.test.ts
 * pins this down). Requests interleave between transactions, never inside one: a test on
 * this database proves behaviour under concurrent requests through a pool, not under
 * overlapping transactions, for which only a PostgreSQL server will do. Concurrent
 * statements outside a transaction are not safe on it either (see below).
 */
export async function useMultiConnectionDatabase({ connections = 4 } = {}): Promise<MultiConnectionDatabase> {
  const served = await servePglite(connections * 2);
  process.env.DATABASE_URL = served.url;
  process.env.DATABASE_POOL_SIZE = String(connections);
  if (getEnv().DATABASE_URL !== served.url) {
    await served.stop();
    throw new Error('The environment was read before useMultiConnectionDatabase(): call it first, in a beforeAll at the top of the file.');
  }
  const { db, driver } = await getDatabase();
  if (driver !== 'postgres') throw new Error(`Expected the process database on postgres.js, got ${driver}.`);
  // The server keeps whole transactions apart, but not the protocol messages of a statement
  // outside one: connections opening at the same moment interleave postgres.js's type lookup
  // and fail with 'portal "" does not exist'. So the pool's connections open one at a time
  // here, and every statement after that runs inside a transaction (withTenant, withSystem).
  const client = (db as unknown as { $client: Sql }).$client;
  const opened = [];
  for (let i = 0; i < connections; i++) opened.push(await client.reserve());
  for (const connection of opened) connection.release();
  return {
    connectionsUsedDuring: connectionCounter(served.server),
    close: async () => {
      await closeDatabase();
      await served.stop();
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
