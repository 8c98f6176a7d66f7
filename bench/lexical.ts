// `npm run bench -- lexical`: the lexical (BM25) list alone at 1k, 10k and 50k chunks of the
// synthetic corpus (bench/knowledge.ts), bounded by LEXICAL_BUDGET as the app runs it, beside
// an unbounded BM25 over every chunk holding a question term (the design before the budget),
// with the bounded list's recall@10 against the unbounded one. No vector index is built: this
// measures the lexical side only (hybrid search latency is in `npm run bench -- knowledge`).
import { performance } from 'node:perf_hooks';
import { sql } from 'drizzle-orm';
import { openDatabase } from '../db/client';
import { tenants } from '../db/schema';
import { scopeToSystem, scopeToTenant } from '../db/withTenant';
import { LEXICAL_BUDGET, lexicalCandidates } from '../lib/knowledge/search';
import { corpusGenerator, loadChunks } from './knowledge';

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
const UNBOUNDED = { rarePostings: Infinity, commonCandidates: Infinity };

export async function benchLexical(sizes = [1_000, 10_000, 50_000]) {
  console.log(`\n## Lexical search (BM25), bounded by LEXICAL_BUDGET ${JSON.stringify(LEXICAL_BUDGET)} vs unbounded (embedded PGlite)`);
  const generator = corpusGenerator(11);
  for (const size of sizes) {
    const handle = await openDatabase({ driver: 'pglite', dataDir: 'memory://', autoMigrate: true });
    const { db } = handle;
    const [tenant] = await scopeToSystem(db, (tx) => tx.insert(tenants).values({ name: `lexical${size}`, publishableKey: `pk_bench_lexical_${size}_${Date.now()}` }).returning({ id: tenants.id }));
    const tenantId = tenant!.id;
    await db.execute(sql`drop index if exists knowledge_chunks_embedding_idx`);
    const contents = await loadChunks(db, tenantId, size, generator);
    // As the worker does after indexing: planner statistics (PGlite has no autovacuum).
    await db.execute(sql`analyze knowledge_chunks`);
    const queries = Array.from({ length: 60 }, () => {
      const words = contents[Math.floor(generator.random() * contents.length)]!.split(' ');
      const start = Math.floor(generator.random() * Math.max(1, words.length - 6));
      return words.slice(start, start + 5).join(' ').replace(/\./g, '');
    });
    const run = async (text: string, lexicalBudget: typeof LEXICAL_BUDGET) => {
      const t0 = performance.now();
      const rows = await scopeToTenant(db, tenantId, (tx) => lexicalCandidates(tx, { tenantId, text, vector: [], embeddingModel: 'none', tuning: { lexicalBudget } }));
      return { ms: performance.now() - t0, ids: rows.map((row) => row.id) };
    };
    const bounded: number[] = [];
    const unbounded: number[] = [];
    let found = 0;
    for (const [i, text] of queries.entries()) {
      const fast = await run(text, LEXICAL_BUDGET);
      // The unbounded pass is slow at size: a third of the questions are enough for its figures.
      const exact = i % 3 === 0 ? await run(text, UNBOUNDED) : null;
      if (i < 5) continue; // the first few warm caches
      bounded.push(fast.ms);
      if (exact) {
        unbounded.push(exact.ms);
        found += fast.ids.filter((id) => exact.ids.slice(0, 10).includes(id)).length / Math.max(1, Math.min(10, exact.ids.length));
      }
    }
    bounded.sort((a, b) => a - b);
    unbounded.sort((a, b) => a - b);
    console.log(
      `${String(size).padStart(6)} chunks: bounded p50 ${percentile(bounded, 50).toFixed(1)} ms, p95 ${percentile(bounded, 95).toFixed(1)} ms; ` +
        `unbounded p50 ${percentile(unbounded, 50).toFixed(1)} ms, p95 ${percentile(unbounded, 95).toFixed(1)} ms ` +
        `(${(percentile(unbounded, 50) / percentile(bounded, 50)).toFixed(1)}x at p50); bounded recall@10 vs unbounded ${(found / unbounded.length).toFixed(3)}`,
    );
    await handle.close();
  }
}
