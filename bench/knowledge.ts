// Knowledge benchmarks on the embedded database (PGlite, in memory) with the local embedder:
// ingestion throughput, hybrid search latency at 1k/10k/50k chunks, HNSW recall@10 vs exact.
import { performance } from 'node:perf_hooks';
import { sql } from 'drizzle-orm';
import { type Database, openDatabase } from '../db/client';
import { createDocument } from '../db/queries/knowledge';
import { executeRows } from '../db/sql';
import { knowledgeChunks, knowledgeDocuments, tenants } from '../db/schema';
import { scopeToSystem, scopeToTenant } from '../db/withTenant';
import { localEmbedder } from '../lib/knowledge/embedders';
import { ingestDocument } from '../lib/knowledge/ingest';
// The local embedder is synchronous underneath; bulk loads call it directly.
import { embedLocally } from '../lib/knowledge/local-embedder';
import { HNSW_EF_SEARCH, hybridSearch } from '../lib/knowledge/search';

// A deterministic synthetic corpus: a Zipf-distributed vocabulary, so that word statistics
// (and so lexical embeddings and full-text ranks) look like real prose.
export function corpusGenerator(seed: number) {
  let state = seed >>> 0;
  const random = () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
  const syllables = ['ka', 'lo', 'mi', 'ren', 'tas', 'vo', 'pel', 'dri', 'sun', 'gar', 'ne', 'bo', 'tri', 'fal', 'om', 'quin'];
  const vocabulary = Array.from({ length: 6000 }, (_, i) => {
    let word = '';
    for (let n = i + 1; n > 0; n = Math.floor(n / 16)) word += syllables[n % 16];
    return word;
  });
  const word = () => vocabulary[Math.min(vocabulary.length - 1, Math.floor(1 / (random() + 1e-4)) - 1 + Math.floor(random() * 40))]!;
  const sentence = () => {
    const words = Array.from({ length: 6 + Math.floor(random() * 14) }, word);
    return `${words.join(' ')}.`;
  };
  const paragraph = () => Array.from({ length: 2 + Math.floor(random() * 4) }, sentence).join(' ');
  return { random, sentence, paragraph };
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;

async function newTenant(db: Database, name: string): Promise<string> {
  const [tenant] = await scopeToSystem(db, (tx) => tx.insert(tenants).values({ name, publishableKey: `pk_bench_${name}_${Date.now()}` }).returning());
  return tenant!.id;
}

export async function benchIngestion(db: Database) {
  console.log('\n## Ingestion (embedded PGlite, local embedder)');
  const tenantId = await newTenant(db, 'ingest');
  const generator = corpusGenerator(7);
  const sections: string[] = [];
  for (let i = 0; sections.join("\n\n").length < 1_048_576; i++) {
    sections.push(`## Section ${i}\n\n${Array.from({ length: 4 }, generator.paragraph).join('\n\n')}`);
  }
  const text = sections.join('\n\n');
  const megabytes = Buffer.byteLength(text) / 1_048_576;
  const document = await scopeToTenant(db, tenantId, (tx) => createDocument(tx, { tenantId, title: 'Bench', sourceType: 'text', content: text }));
  const started = performance.now();
  const outcome = await ingestDocument(tenantId, document.id, localEmbedder);
  const seconds = (performance.now() - started) / 1000;
  const chunks = outcome.status === 'ready' ? outcome.chunks : 0;
  console.log(`${megabytes.toFixed(1)} MB of text → ${chunks} chunks in ${seconds.toFixed(1)} s: ${(megabytes / seconds).toFixed(2)} MB/s, ${(chunks / seconds).toFixed(0)} chunks/s`);
  return { megabytesPerSecond: megabytes / seconds, chunksPerSecond: chunks / seconds };
}

/** Loads `count` synthetic chunks for one tenant (embedded with the local embedder). */
export async function loadChunks(db: Database, tenantId: string, count: number, generator: ReturnType<typeof corpusGenerator>) {
  const [document] = await scopeToTenant(db, tenantId, (tx) =>
    tx.insert(knowledgeDocuments).values({ tenantId, title: `Corpus of ${count}`, sourceType: 'text', status: 'ready' }).returning(),
  );
  const contents: string[] = [];
  for (let position = 0; position < count; position += 500) {
    const batch = Array.from({ length: Math.min(500, count - position) }, () => `${generator.paragraph()} ${generator.paragraph()}`);
    contents.push(...batch);
    await scopeToTenant(db, tenantId, (tx) =>
      tx.insert(knowledgeChunks).values(
        batch.map((content, i) => ({
          tenantId,
          documentId: document!.id,
          position: position + i,
          content,
          tokenCount: Math.ceil(content.length / 4),
          embedding: embedLocally(content),
          embeddingModel: localEmbedder.model,
        })),
      ),
    );
  }
  // The corpus statistics BM25 reads (chunk count and length) are kept on the document.
  await scopeToTenant(db, tenantId, (tx) =>
    tx.execute(sql`update knowledge_documents d set chunk_count = s.n, token_count = s.tokens
      from (select count(*)::int as n, sum(token_count)::int as tokens from knowledge_chunks where document_id = ${document!.id}) s
      where d.id = ${document!.id}`),
  );
  return contents;
}


export async function benchSearch() {
  console.log('\n## Hybrid search latency and HNSW recall (embedded PGlite, local embedder)');
  const generator = corpusGenerator(11);
  const results = [];
  for (const size of [1_000, 10_000, 50_000]) {
    // A fresh database per size, so the index holds exactly `size` chunks (no other tenant's
    // rows for the graph walk to step over).
    const handle = await openDatabase({ driver: 'pglite', dataDir: 'memory://', autoMigrate: true });
    const { db } = handle;
    const tenantId = await newTenant(db, `search${size}`);
    // Bulk load without the index, then build it once: how a large import is best done.
    await db.execute(sql`drop index if exists knowledge_chunks_embedding_idx`);
    const loadStarted = performance.now();
    const contents = await loadChunks(db, tenantId, size, generator);
    const loadSeconds = (performance.now() - loadStarted) / 1000;
    const buildStarted = performance.now();
    await db.execute(sql`create index knowledge_chunks_embedding_idx on knowledge_chunks using hnsw (embedding vector_cosine_ops) with (m = 16, ef_construction = 64)`);
    const buildSeconds = (performance.now() - buildStarted) / 1000;
    // Queries: a few words from a random chunk, as a visitor would paraphrase it.
    const queries = Array.from({ length: 100 }, () => {
      const words = contents[Math.floor(generator.random() * contents.length)]!.split(' ');
      const start = Math.floor(generator.random() * Math.max(1, words.length - 6));
      return words.slice(start, start + 5).join(' ').replace(/\./g, '');
    });
    const latencies: number[] = [];
    for (const [i, text] of queries.entries()) {
      const vector = embedLocally(text);
      const t0 = performance.now();
      await scopeToTenant(db, tenantId, (tx) => hybridSearch(tx, { tenantId, text, vector, embeddingModel: localEmbedder.model, limit: 8 }));
      if (i >= 5) latencies.push(performance.now() - t0); // the first few warm caches
    }
    latencies.sort((a, b) => a - b);

    // Recall@10 of the HNSW index against an exact (sequential) scan for the same queries.
    // Lexical vectors produce many ties at the 10th place, so a result counts as found when
    // its distance is within the exact top 10's distances (the usual tie-aware definition).
    let overlap = 0;
    const recallQueries = queries.slice(0, 50);
    for (const text of recallQueries) {
      const vector = `[${embedLocally(text).join(',')}]`;
      const nearest = sql`select embedding <=> ${vector}::vector as distance from knowledge_chunks where tenant_id = ${tenantId} order by embedding <=> ${vector}::vector limit 10`;
      // The same settings hybridSearch uses, which make the planner walk the HNSW index.
      const approximate = await scopeToTenant(db, tenantId, async (tx) => {
        await tx.execute(sql`select set_config('hnsw.ef_search', ${String(HNSW_EF_SEARCH)}, true), set_config('hnsw.iterative_scan', 'relaxed_order', true), set_config('enable_sort', 'off', true)`);
        return executeRows<{ distance: number }>(tx, nearest);
      });
      const exact = await scopeToTenant(db, tenantId, async (tx) => {
        await tx.execute(sql`select set_config('enable_indexscan', 'off', true), set_config('enable_bitmapscan', 'off', true)`);
        return executeRows<{ distance: number }>(tx, nearest);
      });
      const tenth = Math.max(...exact.map((row) => Number(row.distance)));
      overlap += approximate.filter((row) => Number(row.distance) <= tenth + 1e-9).length;
    }
    const recall = overlap / (recallQueries.length * 10);
    const row = { chunks: size, p50: percentile(latencies, 50), p95: percentile(latencies, 95), recallAt10: recall, loadSeconds, buildSeconds };
    results.push(row);
    await handle.close();
    console.log(
      `${String(size).padStart(6)} chunks: search p50 ${row.p50.toFixed(1)} ms, p95 ${row.p95.toFixed(1)} ms; HNSW recall@10 ${recall.toFixed(3)} (${size} chunks loaded in ${loadSeconds.toFixed(0)} s, HNSW index over all rows built in ${buildSeconds.toFixed(0)} s)`,
    );
  }
  return results;
}
