import 'server-only';
import { sql } from 'drizzle-orm';
import { getDatabase } from './client';

/**
 * Refreshes the planner's statistics for the knowledge tables. PostgreSQL's autovacuum does
 * this on a server; PGlite has no autovacuum, so the worker calls it after indexing a document.
 */
export async function refreshKnowledgeStatistics(): Promise<void> {
  const { db, driver } = await getDatabase();
  if (driver !== 'pglite') return;
  await db.execute(sql`analyze knowledge_documents, knowledge_chunks`);
}
