import 'server-only';
import { closeSync, mkdirSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { vector } from '@electric-sql/pglite-pgvector';
import type { ExtractTablesWithRelations } from 'drizzle-orm';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js';
import { migrate as migratePostgres } from 'drizzle-orm/postgres-js/migrator';
import type { PgDatabase, PgQueryResultHKT, PgTransaction } from 'drizzle-orm/pg-core';
import postgres from 'postgres';
import { getEnv } from '@/lib/env';
import { processSingleton } from './process-singleton';
import * as schema from './schema';

// Nothing outside db/ imports this module: app and lib code reach data only through
// db/withTenant (enforced by eslint and tests/architecture.test.ts).

export type Schema = typeof schema;
export type Database = PgDatabase<PgQueryResultHKT, Schema>;
export type Transaction = PgTransaction<PgQueryResultHKT, Schema, ExtractTablesWithRelations<Schema>>;

export type DatabaseConfig =
  | { driver: 'pglite'; dataDir: string; autoMigrate: boolean }
  | {
      driver: 'postgres';
      url: string;
      directUrl?: string;
      poolSize: number;
      prepare: boolean;
      autoMigrate: boolean;
    };

export type DatabaseHandle = {
  db: Database;
  driver: DatabaseConfig['driver'];
  /** How the job queue reaches the same database: the PGlite instance itself, or a URL. */
  queue: { pglite: PGlite } | { url: string };
  close: () => Promise<void>;
};

export const MIGRATIONS_FOLDER = path.join(process.cwd(), 'migrations');

// Any fixed number; it only has to be the same for every instance migrating this database.
const MIGRATION_LOCK_KEY = 7_316_404_201;

export class DatabaseLockedError extends Error {
  constructor(dataDir: string, pid: number) {
    super(
      `The embedded database in ${dataDir} is in use by process ${pid}. PGlite allows one process ` +
        `per data directory: stop that process (for example a running "npm run dev"), or set ` +
        `PGLITE_DATA_DIR to another directory.`,
    );
    this.name = 'DatabaseLockedError';
  }
}

export function databaseConfigFromEnv(): DatabaseConfig {
  const env = getEnv();
  if (env.DATABASE_URL) {
    return {
      driver: 'postgres',
      url: env.DATABASE_URL,
      directUrl: env.DATABASE_DIRECT_URL,
      poolSize: env.DATABASE_POOL_SIZE,
      prepare: env.DATABASE_PREPARE,
      autoMigrate: env.DATABASE_AUTO_MIGRATE,
    };
  }
  return { driver: 'pglite', dataDir: env.PGLITE_DATA_DIR, autoMigrate: env.DATABASE_AUTO_MIGRATE };
}

function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

// PGlite has no postmaster to refuse a second process, and two processes writing one data
// directory corrupt it; a pid lock file beside the directory turns that into a clear error.
function lockDataDir(dataDir: string): () => void {
  const lockPath = `${path.resolve(dataDir)}.lock`;
  mkdirSync(path.dirname(lockPath), { recursive: true });
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(lockPath, 'wx');
      writeSync(fd, String(process.pid));
      closeSync(fd);
      let released = false;
      const release = () => {
        if (released) return;
        released = true;
        process.off('exit', release);
        try {
          unlinkSync(lockPath);
        } catch {
          // Already gone: nothing to release.
        }
      };
      process.on('exit', release);
      return release;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = Number.parseInt(readFileSync(lockPath, 'utf8'), 10);
      if (Number.isInteger(holder) && holder !== process.pid && isProcessAlive(holder)) {
        throw new DatabaseLockedError(dataDir, holder);
      }
      // Left behind by a process that died: take it over.
      unlinkSync(lockPath);
    }
  }
  throw new Error(`Could not lock the embedded database directory ${dataDir}.`);
}

async function openPglite(config: Extract<DatabaseConfig, { driver: 'pglite' }>): Promise<DatabaseHandle> {
  const inMemory = config.dataDir.startsWith('memory://');
  const release = inMemory ? () => {} : lockDataDir(config.dataDir);
  try {
    if (!inMemory) mkdirSync(config.dataDir, { recursive: true });
    const client = await PGlite.create({ dataDir: config.dataDir, extensions: { vector } });
    const db = drizzlePglite({ client, schema }) as unknown as Database;
    if (config.autoMigrate) await migratePglite(drizzlePglite({ client }), { migrationsFolder: MIGRATIONS_FOLDER });
    return {
      db,
      driver: 'pglite',
      queue: { pglite: client },
      close: async () => {
        await client.close();
        release();
      },
    };
  } catch (error) {
    release();
    throw error;
  }
}

// One dedicated connection holds a session advisory lock while migrating, so app instances
// starting together apply each migration once.
export async function migratePostgresDatabase(url: string): Promise<void> {
  const connection = postgres(url, { max: 1, onnotice: () => {} });
  try {
    await connection`select pg_advisory_lock(${MIGRATION_LOCK_KEY})`;
    try {
      await migratePostgres(drizzlePostgres(connection), { migrationsFolder: MIGRATIONS_FOLDER });
    } finally {
      await connection`select pg_advisory_unlock(${MIGRATION_LOCK_KEY})`;
    }
  } finally {
    await connection.end();
  }
}

async function openPostgres(config: Extract<DatabaseConfig, { driver: 'postgres' }>): Promise<DatabaseHandle> {
  if (config.autoMigrate) await migratePostgresDatabase(config.directUrl ?? config.url);
  const client = postgres(config.url, {
    max: config.poolSize,
    prepare: config.prepare,
    onnotice: () => {},
  });
  const db = drizzlePostgres(client, { schema }) as unknown as Database;
  return { db, driver: 'postgres', queue: { url: config.directUrl ?? config.url }, close: () => client.end() };
}

export function openDatabase(config: DatabaseConfig): Promise<DatabaseHandle> {
  return config.driver === 'postgres' ? openPostgres(config) : openPglite(config);
}

const database = processSingleton('database', () => openDatabase(databaseConfigFromEnv()), (handle) => handle.close());

/** The process's database (see processSingleton: one per process, failed starts retried). */
export const getDatabase = database.get;
export const closeDatabase = database.close;
