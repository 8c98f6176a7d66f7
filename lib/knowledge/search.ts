import 'server-only';
import { sql } from 'drizzle-orm';
import { executeRows } from '@/db/sql';
import type { Transaction } from '@/db/withTenant';
import { chunkFilters, nearestChunks } from './vector-search';

// Hybrid retrieval: a vector top-k (cosine; see vector-search.ts) and a full-text top-k (websearch syntax on
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
  /** The web page the document was imported from, if any. */
  sourceUrl: string | null;
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
  const excluded = [...request.text.matchAll(/(?:^|\s)-([^\s"]+)/g)].map((match) => match[1]).join(' ');
  const included = request.text.replace(/(?:^|\s)-[^\s"]+/g, ' ').trim();
  const filters = chunkFilters(request);

  // 1. Vector list: exact for small tenants, otherwise the HNSW graph plus the chunks not yet
  // in it (see vector-search.ts); searchable the moment a document commits.
  const vectorList = (await nearestChunks(tx, { ...request, limit: candidates })).candidates;

  // 2. Full-text list: websearch syntax ("quoted phrases", or), with the implicit AND between
  // words relaxed to OR: a question rarely contains every word of its answer, and ts_rank
  // still ranks passages matching more (and rarer) words first. (ts_rank_cd was measured 3x
  // slower on 10k chunks for no gain in the retrieval test.) Excluded words (-word) exclude from the
  // whole query.
  const textList = await executeRows<{ id: string }>(
    tx,
    sql`with text_query as (
        select case when ${excluded} = '' then relaxed.query
          else relaxed.query && !! regexp_replace(websearch_to_tsquery('english', ${excluded})::text, ' & ', ' | ', 'g')::tsquery
        end as query
        from (select regexp_replace(websearch_to_tsquery('english', ${included})::text, ' & ', ' | ', 'g')::tsquery as query) relaxed
      )
      select c.id from knowledge_chunks c, text_query q
      where ${filters} and c.search_vector @@ q.query
      order by ts_rank(c.search_vector, q.query) desc, c.id
      limit ${candidates}`,
  );

  // 3. Fusion by rank, then the passages themselves for the best few.
  const fused = fuseRanks([vectorList.map((row) => row.id), textList.map((row) => row.id)]).slice(0, limit);
  if (fused.length === 0) return [];
  const ids = `{${fused.map((hit) => hit.id).join(',')}}`;
  const passages = await executeRows<{ id: string; document_id: string; title: string; source_url: string | null; heading_path: string[]; content: string }>(
    tx,
    sql`select c.id, c.document_id, d.title, d.source_url, c.heading_path, c.content
      from knowledge_chunks c join knowledge_documents d on d.id = c.document_id and d.tenant_id = c.tenant_id
      where c.tenant_id = ${request.tenantId} and c.id = any(${ids}::uuid[])`,
  );
  const byId = new Map(passages.map((passage) => [passage.id, passage]));
  return fused.flatMap((hit) => {
    const passage = byId.get(hit.id);
    if (!passage) return [];
    return [
      {
        chunkId: hit.id,
        documentId: passage.document_id,
        title: passage.title,
        sourceUrl: passage.source_url,
        headingPath: passage.heading_path,
        content: passage.content,
        vectorRank: hit.ranks[0] ?? null,
        textRank: hit.ranks[1] ?? null,
        score: hit.score,
      },
    ];
  });
}
