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
  tuning?: {
    floors?: Partial<Pick<RankingOptions, 'lexicalFloor' | 'vectorFloor'>>;
    k1?: number;
    b?: number;
    fieldWeights?: typeof FIELD_WEIGHTS;
    /** Infinite budgets score every chunk holding a question term: exact BM25, for measuring the bounded search. */
    lexicalBudget?: typeof LEXICAL_BUDGET;
  };
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
 * How many chunks a question's lexical search reads, at most, through each path (chosen with
 * `npm run bench -- knowledge` and `quality`; see the README):
 * - `rarePostings`: the question's rarest terms, together, while the chunks holding them add up
 *   to at most this many, gather every chunk that holds one of them (exact BM25 candidates).
 * - `commonCandidates`: the terms beyond that budget are too common to read whole; chunks
 *   holding all of them (the strongest matches these terms can make) are read, at most this many.
 * Every candidate is then scored with all of the question's terms.
 */
export const LEXICAL_BUDGET = { rarePostings: 400, commonCandidates: 200 };

export type LexicalTerm = { lexeme: string; chunks: number };

/**
 * Which of a question's terms gather candidates whole (rarest first, within the postings budget)
 * and which are too common and only gather through their conjunction, capped.
 */
export function planLexicalGathering(terms: LexicalTerm[], budget = LEXICAL_BUDGET): { rare: string[]; common: string[] } {
  const sorted = [...terms].sort((a, b) => a.chunks - b.chunks || a.lexeme.localeCompare(b.lexeme));
  const rare: string[] = [];
  let postings = 0;
  for (const term of sorted) {
    if (postings + term.chunks > budget.rarePostings) break;
    postings += term.chunks;
    rare.push(term.lexeme);
  }
  return { rare, common: sorted.slice(rare.length).map((term) => term.lexeme) };
}

/** Robertson's idf, with N raised to at least MIN_STATISTICS_CHUNKS. */
export function inverseDocumentFrequency(chunks: number, corpusChunks: number): number {
  return Math.log(1 + (Math.max(corpusChunks, chunks, MIN_STATISTICS_CHUNKS) - chunks + 0.5) / (chunks + 0.5));
}

type CorpusStatistics = { chunks: number; averageLength: number; terms: LexicalTerm[] };

/** The tenant's chunk count, average chunk length and each question term's chunk count, kept by the chunk writes (migration 0025). */
async function corpusStatistics(tx: Transaction, tenantId: string, text: string): Promise<CorpusStatistics | null> {
  const [corpus] = await executeRows<{ chunk_count: number; token_count: number }>(
    tx,
    sql`select chunk_count, token_count from knowledge_corpus_stats where tenant_id = ${tenantId}`,
  );
  if (!corpus || Number(corpus.chunk_count) === 0) return null;
  const terms = await executeRows<{ lexeme: string; chunks: number }>(
    tx,
    // One index lookup per term (a join would read all of the tenant's lexemes).
    sql`select q.lexeme,
        coalesce((select s.chunk_count from knowledge_term_stats s where s.tenant_id = ${tenantId} and s.lexeme = q.lexeme), 0) as chunks
      from unnest(app_query_lexemes(${text})) as q(lexeme)`,
  );
  return {
    chunks: Number(corpus.chunk_count),
    averageLength: Number(corpus.token_count) / Number(corpus.chunk_count),
    terms: terms.map((term) => ({ lexeme: term.lexeme, chunks: Number(term.chunks) })),
  };
}

/** A tsquery literal matching every one of the lexemes (`&`) or any of them (`|`), taken literally. */
function lexemeQuery(lexemes: string[], operator: '&' | '|'): string {
  return lexemes.map((lexeme) => `'${lexeme.replace(/\\/g, '\\\\').replace(/'/g, "''")}'`).join(` ${operator} `);
}

type LexicalScoring = { terms: Array<{ lexeme: string; idf: number }>; excluded: string; averageLength: number; weights: string; maxWeight: number; k1: number; b: number; limit: number };

/**
 * BM25 of the chunks a subquery selects (id, token_count, search_vector), best first: each chunk
 * row is read once, by the subquery, and scored in the same pass (reading a row costs far more
 * than ranking its terms).
 */
async function scoreChunks(tx: Transaction, chunks: SQL, scoring: LexicalScoring) {
  const { k1, b } = scoring;
  return executeRows<{ id: string; score: number }>(
    tx,
    sql`with terms as materialized (
        select t.idf, app_any_lexeme_query(array[t.lexeme]) as query
        from json_to_recordset(${JSON.stringify(scoring.terms)}::json) as t(lexeme text, idf float8)
      ),
      excluded as (
        select case when ${scoring.excluded} = '' then null else app_any_lexeme_query(app_query_lexemes(${scoring.excluded})) end as query
      ),
      -- Each candidate's tsvector decompressed once (|| ''), not once per term and function.
      candidates as materialized (select s.id, s.token_count, s.search_vector || ''::tsvector as search_vector from (${chunks}) s)
      select c.id,
        sum(t.idf * f.tf * (${k1}::float8 + 1) / (f.tf + ${k1}::float8 * (1 - ${b}::float8 + ${b}::float8 * c.token_count / ${scoring.averageLength}::float8))) as score
      from candidates c
      cross join excluded x
      join terms t on c.search_vector @@ t.query
      cross join lateral (select ${scoring.maxWeight}::float8 * ts_rank_cd(${scoring.weights}::float4[], c.search_vector, t.query, 0) as tf) f
      where f.tf > 0 and not coalesce(c.search_vector @@ x.query, false)
      group by c.id
      order by score desc, c.id
      limit ${scoring.limit}`,
  );
}

/**
 * The scored candidates of a question, within LEXICAL_BUDGET: every chunk holding one of the
 * rare terms, and up to `commonCandidates` chunks holding all the common ones. Both go through
 * the full-text index (the second stops reading rows at its limit, however common the terms):
 * sequential and plain index scans are off for these statements, because the planner prices a
 * full-text match as cheap when each one decompresses a whole tsvector (a scan of 2,900 long
 * chunks took 94 ms where the index read 230 of them).
 */
async function scoreLexicalCandidates(tx: Transaction, scope: Scope, plan: { rare: string[]; common: string[] }, budget: typeof LEXICAL_BUDGET, scoring: LexicalScoring) {
  await tx.execute(sql`select set_config('enable_seqscan', 'off', true), set_config('enable_indexscan', 'off', true)`);
  const rare = plan.rare.length
    ? await scoreChunks(
        tx,
        sql`select c.id, c.token_count, c.search_vector from knowledge_chunks c
          where ${scope.filters} and c.search_vector @@ ${lexemeQuery(plan.rare, '|')}::tsquery`,
        scoring,
      )
    : [];
  const common = plan.common.length
    ? await scoreChunks(
        tx,
        sql`select c.id, c.token_count, c.search_vector from knowledge_chunks c
          where ${scope.filters} and c.search_vector @@ ${lexemeQuery(plan.common, '&')}::tsquery
          limit ${budget.commonCandidates}`,
        scoring,
      )
    : [];
  await tx.execute(sql`select set_config('enable_seqscan', 'on', true), set_config('enable_indexscan', 'on', true)`);
  const byId = new Map([...rare, ...common].map((row) => [row.id, Number(row.score)]));
  return [...byId].sort((x, y) => y[1] - x[1] || (x[0] < y[0] ? -1 : 1)).slice(0, scoring.limit);
}

/**
 * The lexical list: BM25 over the tenant's chunks with the tenant's own statistics (chunk count,
 * average length and each term's chunk count, read from the tables the chunk writes keep), for
 * the candidates gathered within LEXICAL_BUDGET. Lexemes are English words, stemmed, and
 * identifiers whole and split (migration 0022). The term frequency of a lexeme in a chunk is
 * read with ts_rank_cd on a one-lexeme query, which for normalization 0 is exactly the sum of
 * the field weights of its occurrences (one cover per occurrence), so title and heading words
 * count FIELD_WEIGHTS times. Chunks containing an excluded word are left out.
 */
export async function lexicalCandidates(tx: Transaction, request: SearchRequest, scope: Scope = scopeOf(request)) {
  const { included, excluded } = splitExclusions(request.text);
  const statistics = await corpusStatistics(tx, request.tenantId, included);
  if (!statistics || statistics.terms.length === 0) return [];
  const budget = request.tuning?.lexicalBudget ?? LEXICAL_BUDGET;
  const terms = statistics.terms.map((term) => ({ lexeme: term.lexeme, idf: inverseDocumentFrequency(term.chunks, statistics.chunks) }));
  const totalIdf = terms.reduce((sum, term) => sum + term.idf, 0);
  const fields = request.tuning?.fieldWeights ?? FIELD_WEIGHTS;
  const maxWeight = Math.max(fields.title, fields.heading, fields.body);
  const scored = await scoreLexicalCandidates(tx, scope, planLexicalGathering(statistics.terms, budget), budget, {
    terms,
    excluded,
    averageLength: statistics.averageLength,
    // ts_rank_cd weights are {D, C, B, A} in 0..1: body, (unused), heading, title.
    weights: `{${fields.body / maxWeight},0,${fields.heading / maxWeight},${fields.title / maxWeight}}`,
    maxWeight,
    k1: request.tuning?.k1 ?? BM25_K1,
    b: request.tuning?.b ?? BM25_B,
    limit: scope.candidates,
  });
  return scored.map(([id, score]) => ({ id, score, strength: score / totalIdf }));
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
