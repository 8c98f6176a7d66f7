import 'server-only';
import type { SQL } from 'drizzle-orm';
import type { Database, Transaction } from './client';

/** Rows of a raw SQL statement, whichever driver ran it (PGlite returns { rows }, postgres.js an array). */
export async function executeRows<T>(executor: Pick<Database | Transaction, 'execute'>, statement: SQL): Promise<T[]> {
  const result: unknown = await executor.execute(statement);
  return (Array.isArray(result) ? result : (result as { rows: T[] }).rows) as T[];
}
