import 'server-only';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { countPendingChunks, countTenantChunks, indexPendingChunks } from '@/db/queries/knowledge';
import { enqueueChunkIndexing } from '@/db/queue';
import { tenants } from '@/db/schema';
import { type Transaction, withSystem, withTenantId } from '@/db/withTenant';
import { exactSearchMaxChunks } from './vector-search';

// The background half of vector search: adds chunks to the HNSW graph after ingestion has
// made them searchable (vector-search.ts searches pending chunks exactly). The state lives in
// the rows themselves (`embedding_indexed`), so there is no cursor to lose: each batch is one
// transaction, a crash rolls back at most the batch in flight (its chunks stay pending and
// searchable), and the next run simply takes the chunks still pending.

/**
 * Chunks per transaction. On PGlite a batch holds the only connection (and the event loop)
 * for its graph insertions, ~12 ms per chunk, so a search waits at most one batch; the
 * per-batch overhead is under 2 ms, so throughput barely depends on it. See the README.
 */
export const INDEX_BATCH_SIZE = 16;

/**
 * Tenants from this size on are kept in the graph: half the exact-search threshold, so the
 * graph is complete well before a growing tenant switches to it.
 */
export const graphMinChunks = () => Math.floor(exactSearchMaxChunks() / 2);

/** One run's time box: well inside the queue's 5-minute expiry, and other tenants get a turn. */
export const INDEX_RUN_MS = 30_000;

export type IndexingRun = { indexed: number; done: boolean };

/** How a run opens a tenant scope: the app's database, or one a benchmark or test opened. */
export type TenantScope = <T>(tenantId: string, fn: (tx: Transaction) => Promise<T>) => Promise<T>;

/**
 * Indexes a tenant's pending chunks, batch by batch, until none are left or the time box
 * ends; nothing for a tenant below `minChunks` (graphMinChunks()).
 */
export async function indexTenantChunks(
  tenantId: string,
  options: { batchSize?: number; timeBudgetMs?: number; minChunks?: number; scope?: TenantScope } = {},
): Promise<IndexingRun> {
  const scope = options.scope ?? withTenantId;
  const minChunks = options.minChunks ?? graphMinChunks();
  if (minChunks > 0 && (await scope(tenantId, (tx) => countTenantChunks(tx, tenantId))) < minChunks) return { indexed: 0, done: true };
  const batchSize = options.batchSize ?? INDEX_BATCH_SIZE;
  const deadline = Date.now() + (options.timeBudgetMs ?? INDEX_RUN_MS);
  let indexed = 0;
  for (;;) {
    const batch = await scope(tenantId, (tx) => indexPendingChunks(tx, tenantId, batchSize));
    indexed += batch;
    if (batch < batchSize) return { indexed, done: true };
    if (Date.now() >= deadline) return { indexed, done: false };
    // Let requests queued behind this batch (on PGlite's single connection) run first.
    await nextTurn();
  }
}

/** Queues indexing for every tenant large enough for the graph with chunks waiting for it; returns how many. */
export async function queuePendingChunkIndexing(minChunks = graphMinChunks()): Promise<number> {
  const tenantIds = await withSystem((tx) => tx.select({ id: tenants.id }).from(tenants));
  let queued = 0;
  for (const { id: tenantId } of tenantIds) {
    const waiting = await withTenantId(tenantId, async (tx) => (await countTenantChunks(tx, tenantId)) >= minChunks && (await countPendingChunks(tx, tenantId)) > 0);
    if (!waiting) continue;
    await enqueueChunkIndexing(tenantId);
    queued++;
  }
  return queued;
}
