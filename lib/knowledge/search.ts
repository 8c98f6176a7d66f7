import 'server-only';
import { type SQL, sql } from 'drizzle-orm';
import { executeRows } from '@/db/sql';
import { getEnv } from '@/lib/env';
import type { Transaction } from '@/db/withTenant';
import { LOCAL_EMBEDDING_MODEL } from './local-embedder';
import { type Candidate, rankCandidates, type RankingOptions } from './ranking';
import { chunkFilters, nearestChunks } from './vector-search';

// Hybrid retrieval: a lexical top-k (BM25 over the stored tsvector, with the tenant's own term
// statistics) and a vector top-k (cosine: exact for most tenants, the HNSW graph plus the
// chunks not yet in it for large ones; see vector-search.ts), fused by normalized scores,
// spread over sections, and cut at a relevance floor so a question with no good match gets
// nothing. Every constant below was chosen on the labelled set (`npm run bench -- quality`);
// the README lists the measurements.

/** BM25 term-frequency saturation and length normalization: the standard Robertson/Lucene values. */
export const BM25_K1 = 1.2;
export const BM25_B = 0.75;

/**
 * How much one occurrence counts in each field of a chunk (BM25F-style): words of the document
 * title and of the heading path say what the whole passage is about.
 */
export const FIELD_WEIGHTS = { title: 2, heading: 2, body: 1 };

/**
 * Below about 100 chunks a term's document frequency says little about how rare the word is
 * (in a one-chunk knowledge base every word it holds has the lowest possible idf, and every
 * word it lacks the highest), so idf is computed as if the tenant had at least this many
 * chunks. Above it, plain BM25. The labelled set (about 200 chunks) is unaffected by it; the
 * demo seed (3 documents) keeps recall@5 1.00, and a one-document workspace answers questions
 * about its document instead of declining them.
 */
export const MIN_STATISTICS_CHUNKS = 100;

/** How many candidates each list contributes before fusion. */
export const CANDIDATES_PER_LIST = 40;

/** Lexical strength (share of the question's idf found, see ranking.ts) that counts as a real match. */
export const LEXICAL_FLOOR = 0.3;

/**
 * Cosine similarity that counts as a real match, per embedding model: similarities of
 * different models live on different scales. The local lexical model's floor was measured;
 * other models use RETRIEVAL_VECTOR_FLOOR when set, else the default below.
 */
export const VECTOR_FLOORS: Record<string, number> = { [LOCAL_EMBEDDING_MODEL]: 0.3 };
export const DEFAULT_VECTOR_FLOOR = 0.3;

export function vectorFloorFor(embeddingModel: string, configured = getEnv().RETRIEVAL_VECTOR_FLOOR): number {
  return VECTOR_FLOORS[embeddingModel] ?? configured ?? DEFAULT_VECTOR_FLOOR;
}

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
  /** Overrides of the tuned constants, for the measurements that choose them (bench only). */
  tuning?: { floors?: Partial<Pick<RankingOptions, 'lexicalFloor' | 'vectorFloor'>>; k1?: number; b?: number; fieldWeights?: typeof FIELD_WEIGHTS };
};

export type SearchHit = {
  chunkId: string;
  documentId: string;
  title: string;
  /** The web page the document was imported from, if any. */
  sourceUrl: string | null;
  headingPath: string[];
  content: string;
  /** Rank in the vector list and its cosine similarity, when the vector search found it. */
  vectorRank: number | null;
  vectorSimilarity: number | null;
  /** Rank in the lexical list, BM25 score and strength, when the lexical search found it. */
  textRank: number | null;
  lexicalScore: number | null;
  lexicalStrength: number | null;
  /** The fused score the passages are ordered by. */
  score: number;
};

type Scope = { tenantId: string; filters: SQL; candidates: number };

function scopeOf(request: SearchRequest): Scope {
  return { tenantId: request.tenantId, candidates: request.candidates ?? CANDIDATES_PER_LIST, filters: chunkFilters(request) };
}

/**
 * The vector list: the nearest chunks embedded by the same model, exact for small tenants and
 * the HNSW graph plus the chunks not yet in it for large ones (vector-search.ts), so a
 * document is found by meaning the moment it commits.
 */
export async function vectorCandidates(tx: Transaction, request: SearchRequest, scope: Scope = scopeOf(request)) {
  const { candidates } = await nearestChunks(tx, { ...request, limit: scope.candidates });
  return candidates.map((row) => ({ id: row.id, similarity: 1 - row.distance }));
}

/** Splits websearch-style exclusions (`-word`) from the rest of the question. */
export function splitExclusions(text: string): { included: string; excluded: string } {
  return {
    excluded: [...text.matchAll(/(?:^|\s)-([^\s"]+)/g)].map((match) => match[1]).join(' '),
    included: text.replace(/(?:^|\s)-[^\s"]+/g, ' ').trim(),
  };
}

/**
 * The lexical list: BM25 over the chunks that contain any of the question's lexemes (English
 * words, stemmed, and identifiers whole and split; see migration 0018), with the tenant's own
 * statistics computed here in SQL: N and the average length from its documents, each term's
 * document frequency from the same pass over the matching chunks (within the filters, when a
 * category or tags narrow the search). The term frequency of a lexeme in a chunk is read with
 * ts_rank_cd on a one-lexeme query, which for normalization 0 is exactly the sum of the
 * field weights of its occurrences (one cover per occurrence), so title and heading words count
 * FIELD_WEIGHTS times. Chunks containing an excluded word are left out.
 */
export async function lexicalCandidates(tx: Transaction, request: SearchRequest, scope: Scope = scopeOf(request)) {
  const { included, excluded } = splitExclusions(request.text);
  const fields = request.tuning?.fieldWeights ?? FIELD_WEIGHTS;
  const maxWeight = Math.max(fields.title, fields.heading, fields.body);
  // ts_rank_cd weights are {D, C, B, A} in 0..1: body, (unused), heading, title.
  const weights = `{${fields.body / maxWeight},0,${fields.heading / maxWeight},${fields.title / maxWeight}}`;
  const rows = await executeRows<{ id: string; score: number; strength: number }>(
    tx,
    sql`with terms as (
        select lexeme, app_any_lexeme_query(array[lexeme]) as query from unnest(app_query_lexemes(${included})) as lexeme
      ),
      question as (select app_any_lexeme_query(array_agg(lexeme)) as query from terms),
      excluded as (
        select case when ${excluded} = '' then null else app_any_lexeme_query(app_query_lexemes(${excluded})) end as query
      ),
      corpus as (
        select coalesce(sum(d.chunk_count), 0)::float8 as n,
          coalesce(sum(d.token_count)::float8 / nullif(sum(d.chunk_count), 0), 1) as average_length
        from knowledge_documents d where d.tenant_id = ${scope.tenantId}
      ),
      -- One pass over the chunks holding any question term (GIN): each term's weighted frequency.
      matches as materialized (
        select c.id, c.token_count, t.lexeme,
          ${maxWeight}::float8 * ts_rank_cd(${weights}::float4[], c.search_vector, t.query, 0) as tf,
          (x.query is not null and c.search_vector @@ x.query) as excluded
        from knowledge_chunks c
        cross join question q
        cross join excluded x
        join terms t on c.search_vector @@ t.query
        where ${scope.filters} and c.search_vector @@ q.query
      ),
      -- Document frequencies come from the same pass: every chunk holding a term is in it.
      weighted as (
        select t.lexeme, ln(1 + (greatest(corpus.n, f.df, ${MIN_STATISTICS_CHUNKS}::float8) - f.df + 0.5) / (f.df + 0.5)) as idf
        from terms t cross join corpus
        cross join lateral (select count(*)::float8 as df from matches m where m.lexeme = t.lexeme) f
      ),
      parameters as (select ${request.tuning?.k1 ?? BM25_K1}::float8 as k1, ${request.tuning?.b ?? BM25_B}::float8 as b),
      scored as (
        select m.id, sum(w.idf * m.tf * (p.k1 + 1) / (m.tf + p.k1 * (1 - p.b + p.b * m.token_count / corpus.average_length))) as score
        from matches m join weighted w on w.lexeme = m.lexeme cross join corpus cross join parameters p
        where m.tf > 0 and not m.excluded
        group by m.id
      )
      select s.id, s.score, s.score / (select sum(idf) from weighted) as strength
      from scored s
      order by s.score desc, s.id
      limit ${scope.candidates}`,
  );
  return rows.map((row) => ({ id: row.id, score: Number(row.score), strength: Number(row.strength) }));
}

type Passage = { id: string; document_id: string; title: string; source_url: string | null; heading_path: string[]; content: string };

async function loadPassages(tx: Transaction, tenantId: string, ids: string[]): Promise<Map<string, Passage>> {
  if (ids.length === 0) return new Map();
  const rows = await executeRows<Passage>(
    tx,
    sql`select c.id, c.document_id, d.title, d.source_url, c.heading_path, c.content
      from knowledge_chunks c join knowledge_documents d on d.id = c.document_id and d.tenant_id = c.tenant_id
      where c.tenant_id = ${tenantId} and c.id = any(${`{${ids.join(',')}}`}::uuid[])`,
  );
  return new Map(rows.map((row) => [row.id, row]));
}

/** Both candidate lists as ranking candidates, with their passages (exported for measurement). */
export async function retrieveCandidates(tx: Transaction, request: SearchRequest): Promise<{ candidates: Candidate[]; passages: Map<string, Passage> }> {
  const scope = scopeOf(request);
  const vectorList = await vectorCandidates(tx, request, scope);
  const lexicalList = await lexicalCandidates(tx, request, scope);
  const byId = new Map<string, Candidate>();
  const entry = (id: string) => byId.get(id) ?? byId.set(id, { id, section: '', lexical: null, vector: null }).get(id)!;
  lexicalList.forEach((hit, index) => (entry(hit.id).lexical = { rank: index + 1, score: hit.score, strength: hit.strength }));
  vectorList.forEach((hit, index) => (entry(hit.id).vector = { rank: index + 1, similarity: hit.similarity }));
  const passages = await loadPassages(tx, request.tenantId, [...byId.keys()]);
  const candidates = [...byId.values()].flatMap((candidate) => {
    const passage = passages.get(candidate.id);
    return passage ? [{ ...candidate, section: `${passage.document_id}\u0000${passage.heading_path.join('\u0000')}` }] : [];
  });
  return { candidates, passages };
}

export async function hybridSearch(tx: Transaction, request: SearchRequest): Promise<SearchHit[]> {
  const { candidates, passages } = await retrieveCandidates(tx, request);
  const ranked = rankCandidates(candidates, {
    limit: request.limit ?? 8,
    lexicalFloor: request.tuning?.floors?.lexicalFloor ?? LEXICAL_FLOOR,
    vectorFloor: request.tuning?.floors?.vectorFloor ?? vectorFloorFor(request.embeddingModel),
  });
  return ranked.map((hit) => {
    const passage = passages.get(hit.id)!;
    return {
      chunkId: hit.id,
      documentId: passage.document_id,
      title: passage.title,
      sourceUrl: passage.source_url,
      headingPath: passage.heading_path,
      content: passage.content,
      vectorRank: hit.vector?.rank ?? null,
      vectorSimilarity: hit.vector?.similarity ?? null,
      textRank: hit.lexical?.rank ?? null,
      lexicalScore: hit.lexical?.score ?? null,
      lexicalStrength: hit.lexical?.strength ?? null,
      score: hit.score,
    };
  });
}
