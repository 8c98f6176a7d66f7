import 'server-only';
import { sql } from 'drizzle-orm';
import { executeRows } from '@/db/sql';
import type { Transaction } from '@/db/withTenant';

// Hybrid retrieval: a vector top-k (HNSW, cosine) and a full-text top-k (websearch syntax on
// the stored tsvector), fused by Reciprocal Rank Fusion. Cosine similarity and ts_rank live on
// different scales, so they are never added; only ranks are combined: score = Σ 1 / (k + rank).

export const RRF_K = 60;

export type SearchFilters = { category?: string; tags?: string[] };

export type SearchRequest = SearchFilters & {
  tenantId: string;
  text: string;
  /** The query embedded by the same model as the chunks it is compared with. */
  vector: number[];
  embeddingModel: string;
  limit?: number;
  /** How many candidates each list contributes before fusion. */
  candidates?: number;
};

export type SearchHit = {
  chunkId: string;
  documentId: string;
  title: string;
  headingPath: string[];
  content: string;
  vectorRank: number | null;
  textRank: number | null;
  score: number;
};

/** Reciprocal Rank Fusion of ranked id lists (1-based ranks), best first. Exported for tests and reuse. */
export function fuseRanks(lists: string[][], k = RRF_K): Array<{ id: string; score: number; ranks: Array<number | null> }> {
  const fused = new Map<string, { score: number; ranks: Array<number | null> }>();
  lists.forEach((list, listIndex) => {
    list.forEach((id, position) => {
      const entry = fused.get(id) ?? { score: 0, ranks: lists.map(() => null) };
      entry.score += 1 / (k + position + 1);
      entry.ranks[listIndex] = position + 1;
      fused.set(id, entry);
    });
  });
  return [...fused.entries()].map(([id, entry]) => ({ id, ...entry })).sort((a, b) => b.score - a.score || a.id.localeCompare(b.id));
}

export async function hybridSearch(tx: Transaction, request: SearchRequest): Promise<SearchHit[]> {
  const limit = request.limit ?? 8;
  const candidates = request.candidates ?? 40;
  const vector = `[${request.vector.join(',')}]`;
  const category = request.category ?? null;
  // An array parameter would be spread into a list by the sql tag: pass a Postgres array literal.
  const tags = request.tags?.length ? `{${request.tags.map((tag) => `"${tag.replace(/["\\]/g, '\\$&')}"`).join(',')}}` : null;
  const excluded = [...request.text.matchAll(/(?:^|\s)-([^\s"]+)/g)].map((match) => match[1]).join(' ');
  const included = request.text.replace(/(?:^|\s)-[^\s"]+/g, ' ').trim();
  // With filters, an HNSW scan can run out of matching rows before it has k of them;
  // pgvector 0.8's iterative scan keeps going until it does.
  await tx.execute(sql`select set_config('hnsw.iterative_scan', 'relaxed_order', true), set_config('hnsw.ef_search', '100', true)`);

  const rows = await executeRows<{
    chunk_id: string;
    document_id: string;
    title: string;
    heading_path: string[];
    content: string;
    vector_rank: number | null;
    text_rank: number | null;
    score: number;
  }>(tx, sql`
    with eligible_documents as (
      select id, title from knowledge_documents
      where tenant_id = ${request.tenantId} and status = 'ready'
        and (${category}::text is null or category = ${category})
        and (${tags}::text[] is null or tags @> ${tags}::text[])
    ),
    vector_candidates as (
      select c.id, c.embedding <=> ${vector}::vector as distance
      from knowledge_chunks c
      where c.tenant_id = ${request.tenantId} and c.embedding_model = ${request.embeddingModel}
        and c.document_id in (select id from eligible_documents)
      order by c.embedding <=> ${vector}::vector
      limit ${candidates}
    ),
    vector_hits as (
      select id, row_number() over (order by distance, id) as rank from vector_candidates
    ),
    -- websearch syntax ("quoted phrases", or), with the implicit AND between words relaxed
    -- to OR: a question rarely contains every word of its answer, and ts_rank_cd still ranks
    -- passages matching more words first. Excluded words (-word) exclude from the whole query.
    text_query as (
      select case when ${excluded} = '' then relaxed.query
        else relaxed.query && !! regexp_replace(websearch_to_tsquery('english', ${excluded})::text, ' & ', ' | ', 'g')::tsquery
      end as query
      from (select regexp_replace(websearch_to_tsquery('english', ${included})::text, ' & ', ' | ', 'g')::tsquery as query) relaxed
    ),
    text_candidates as (
      select c.id, ts_rank_cd(c.search_vector, q.query) as relevance
      from knowledge_chunks c, text_query q
      where c.tenant_id = ${request.tenantId} and c.search_vector @@ q.query
        and c.document_id in (select id from eligible_documents)
      order by relevance desc
      limit ${candidates}
    ),
    text_hits as (
      select id, row_number() over (order by relevance desc, id) as rank from text_candidates
    ),
    fused as (
      select coalesce(v.id, t.id) as id, v.rank as vector_rank, t.rank as text_rank,
        coalesce(1.0 / (${RRF_K} + v.rank), 0) + coalesce(1.0 / (${RRF_K} + t.rank), 0) as score
      from vector_hits v full outer join text_hits t on v.id = t.id
    )
    select f.id as chunk_id, c.document_id, d.title, c.heading_path, c.content,
      f.vector_rank::int as vector_rank, f.text_rank::int as text_rank, f.score::float8 as score
    from fused f
    join knowledge_chunks c on c.id = f.id and c.tenant_id = ${request.tenantId}
    join eligible_documents d on d.id = c.document_id
    order by f.score desc, f.id
    limit ${limit}
  `);
  return rows.map((row) => ({
    chunkId: row.chunk_id,
    documentId: row.document_id,
    title: row.title,
    headingPath: row.heading_path,
    content: row.content,
    vectorRank: row.vector_rank,
    textRank: row.text_rank,
    score: Number(row.score),
  }));
}
