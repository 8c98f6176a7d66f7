import 'server-only';
import { type SQL, sql } from 'drizzle-orm';
import { executeRows } from '@/db/sql';
import { getEnv } from '@/lib/env';
import type { Transaction } from '@/db/withTenant';
import type { SearchFilters } from './search';

// The vector candidate list of hybrid search: the chunks nearest to the query by cosine
// distance, within one tenant (and its filters), whatever state the HNSW graph is in.
//
// - Chunks are searchable the moment their transaction commits: ingestion writes them with
//   embedding_indexed = false and never touches the graph (graph insertion costs ~12 ms per
//   vector in PGlite's WebAssembly). The background job (vector-index.ts) adds them to the
//   partial HNSW index, which only covers rows marked indexed, in small batches.
// - A tenant (or filtered subset) below EXACT_SEARCH_MAX_CHUNKS is searched exactly: its rows,
//   found by the tenant index, each compared with the query. Recall 1.0, and cheaper than the
//   graph walk at that size.
// - Above it: the graph's nearest indexed rows, unioned with an exact scan of the rows still
//   pending, re-ranked by their exact distance. Both halves filter by tenant first.
//
// Every constant below is chosen by `npm run bench -- knowledge`; the README has the numbers.

/**
 * Tenants with fewer chunks than this (counted from their documents, with the search's
 * filters) are searched exactly. Measured on PGlite (`npm run bench -- knowledge`, README
 * "Why the threshold is 20,000"): an exact scan cost 12–15 µs per chunk (vectors stored
 * inline) and the graph walk at ef_search 1000 over 50k chunks a p50 of 285–357 ms, so they
 * cross near 20,000 chunks.
 */
export const EXACT_SEARCH_MAX_CHUNKS = 20_000;

/** The threshold in effect: KNOWLEDGE_EXACT_SEARCH_MAX_CHUNKS when set (a native server affords more). */
export const exactSearchMaxChunks = () => getEnv().KNOWLEDGE_EXACT_SEARCH_MAX_CHUNKS ?? EXACT_SEARCH_MAX_CHUNKS;

/** The graph walk's candidate list (pgvector caps it at 1000). See the README for recall by size. */
export const HNSW_EF_SEARCH = 1000;

/**
 * How many tuples one graph scan may visit when the tenant filter keeps walking it (pgvector's
 * iterative scan): enough for a tenant holding a few percent of the graph to fill its list.
 */
export const HNSW_MAX_SCAN_TUPLES = 20_000;

export type VectorQuery = SearchFilters & {
  tenantId: string;
  /** The query embedded by the same model as the chunks it is compared with. */
  vector: number[];
  embeddingModel: string;
  /** How many candidates to return, nearest first. */
  limit: number;
};

export type VectorCandidate = { id: string; distance: number };
export type VectorPlan = 'exact' | 'graph+pending';

/** The filters both candidate lists apply, on `knowledge_chunks c`; the tenant is in the SQL as well as in RLS. */
export function chunkFilters(request: SearchFilters & { tenantId: string }): SQL {
  const category = request.category ?? null;
  // An array parameter would be spread into a list by the sql tag: pass a Postgres array literal.
  const tags = request.tags?.length ? `{${request.tags.map((tag) => `"${tag.replace(/["\\]/g, '\\$&')}"`).join(',')}}` : null;
  return sql`c.tenant_id = ${request.tenantId}
    and (${category}::text is null or c.category = ${category})
    and (${tags}::text[] is null or c.tags @> ${tags}::text[])`;
}

/**
 * How many chunks a search would have to compare exactly: the chunk counts of the tenant's
 * documents that pass the filters (documents carry the same category and tags as their
 * chunks, and their counts change with the chunks in one transaction). Reading the document
 * rows costs far less than counting chunks.
 */
async function countCandidateChunks(tx: Transaction, request: VectorQuery): Promise<number> {
  const [row] = await executeRows<{ chunks: number | string | null }>(
    tx,
    sql`select coalesce(sum(c.chunk_count), 0) as chunks from knowledge_documents c where ${chunkFilters(request)}`,
  );
  return Number(row?.chunks ?? 0);
}

/** Picks the plan for a query: exact below the threshold, the graph plus the pending rows above it. */
export async function planVectorSearch(tx: Transaction, request: VectorQuery, exactBelow = exactSearchMaxChunks()): Promise<VectorPlan> {
  return (await countCandidateChunks(tx, request)) < exactBelow ? 'exact' : 'graph+pending';
}

/** The `limit` chunks nearest to the query, by exact cosine distance over every chunk (no index). */
export async function exactNearestChunks(tx: Transaction, request: VectorQuery): Promise<VectorCandidate[]> {
  const vector = `[${request.vector.join(',')}]`;
  // No `embedding_indexed` condition, so the partial HNSW index cannot serve this query: the
  // planner reads the tenant's rows through the tenant indexes and sorts by distance.
  const rows = await executeRows<{ id: string; distance: number }>(
    tx,
    sql`select c.id, c.embedding <=> ${vector}::vector as distance from knowledge_chunks c
      where ${chunkFilters(request)} and c.embedding_model = ${request.embeddingModel}
      order by distance, c.id limit ${request.limit}`,
  );
  return rows.map((row) => ({ id: row.id, distance: Number(row.distance) }));
}

/**
 * The union search: the graph's nearest indexed chunks and every pending chunk, both with
 * their exact distance, merged nearest first. Equal to the exact search whenever the graph
 * walk finds the indexed rows' true nearest neighbours.
 */
export async function unionNearestChunks(tx: Transaction, request: VectorQuery): Promise<VectorCandidate[]> {
  const vector = `[${request.vector.join(',')}]`;
  const filters = chunkFilters(request);
  // Sorting is disabled for this statement so the planner walks the HNSW index instead of
  // sorting the tenant's rows (PGlite has no autovacuum, so statistics are often missing);
  // the final merge still sorts, there being no other way. The iterative scan keeps walking
  // the graph until the tenant filter has let enough rows through.
  await tx.execute(sql`select set_config('hnsw.iterative_scan', 'relaxed_order', true),
    set_config('hnsw.ef_search', ${String(HNSW_EF_SEARCH)}, true),
    set_config('hnsw.max_scan_tuples', ${String(HNSW_MAX_SCAN_TUPLES)}, true),
    set_config('enable_sort', 'off', true)`);
  // relaxed_order returns the graph's rows almost in order: the materialized list is
  // re-ranked by exact distance together with the pending rows.
  const rows = await executeRows<{ id: string; distance: number }>(
    tx,
    sql`with graph as materialized (
        select c.id, c.embedding <=> ${vector}::vector as distance from knowledge_chunks c
        where ${filters} and c.embedding_model = ${request.embeddingModel} and c.embedding_indexed
        order by c.embedding <=> ${vector}::vector limit ${request.limit}
      ), pending as (
        select c.id, c.embedding <=> ${vector}::vector as distance from knowledge_chunks c
        where ${filters} and c.embedding_model = ${request.embeddingModel} and not c.embedding_indexed
      )
      select id, distance from graph union all select id, distance from pending
      order by distance, id limit ${request.limit}`,
  );
  await tx.execute(sql`select set_config('enable_sort', 'on', true)`);
  return rows.map((row) => ({ id: row.id, distance: Number(row.distance) }));
}

/** The vector candidate list of hybrid search (see the top of this file). */
export async function nearestChunks(
  tx: Transaction,
  request: VectorQuery,
  options: { exactBelow?: number } = {},
): Promise<{ plan: VectorPlan; candidates: VectorCandidate[] }> {
  const plan = await planVectorSearch(tx, request, options.exactBelow);
  const candidates = plan === 'exact' ? await exactNearestChunks(tx, request) : await unionNearestChunks(tx, request);
  return { plan, candidates };
}
