import { and, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeDatabase, type Database, getDatabase } from '@/db/client';
import { countPendingChunks, createDocument } from '@/db/queries/knowledge';
import { closeQueue, enqueueIngestion } from '@/db/queue';
import { knowledgeChunks, knowledgeDocuments } from '@/db/schema';
import { executeRows } from '@/db/sql';
import { withTenantId } from '@/db/withTenant';
import { startWorkers } from '@/lib/jobs/workers';
import { localEmbedder } from '@/lib/knowledge/embedders';
import { ingestDocument } from '@/lib/knowledge/ingest';
import { embedLocally } from '@/lib/knowledge/local-embedder';
import { hybridSearch } from '@/lib/knowledge/search';
import { indexTenantChunks, queuePendingChunkIndexing } from '@/lib/knowledge/vector-index';
import { exactNearestChunks, nearestChunks } from '@/lib/knowledge/vector-search';
import { createTeam } from '../helpers/team';
import { addVectorCorpus, expectSameNeighbours, queriesFrom, vectorRequest } from '../helpers/vector-corpus';

// A small threshold, so a few hundred chunks take the graph + pending path (read on first use).
process.env.KNOWLEDGE_EXACT_SEARCH_MAX_CHUNKS = '60';

describe('vector search that is exact until indexed and union-searched after', () => {
  let db: Database;
  let tenantA: string;
  let tenantB: string;
  let small: string;
  let contentsA: string[];

  const request = vectorRequest;
  const pending = (tenantId: string) => withTenantId(tenantId, (tx) => countPendingChunks(tx, tenantId));
  // How often this transaction scanned the HNSW index: proves the union really walked the graph.
  const graphScans = async (tx: Parameters<Parameters<typeof withTenantId>[1]>[0]) => {
    const [row] = await executeRows<{ scans: number }>(tx, sql`select pg_stat_get_xact_numscans('knowledge_chunks_embedding_idx'::regclass)::int as scans`);
    return Number(row!.scans);
  };

  /** For each query: the union (forced) and the default plan both equal the exact search. */
  async function expectUnionEqualsExact(tenantId: string, texts: string[], options: { walksGraph?: boolean } = {}) {
    for (const text of texts) {
      const { exact, union, chosen, scans } = await withTenantId(tenantId, async (tx) => {
        const exact = await exactNearestChunks(tx, request(tenantId, text));
        const before = await graphScans(tx);
        const union = await nearestChunks(tx, request(tenantId, text), { exactBelow: 0 });
        return { exact, union, scans: (await graphScans(tx)) - before, chosen: await nearestChunks(tx, request(tenantId, text)) };
      });
      expect(exact).toHaveLength(20);
      expect(union.plan).toBe('graph+pending');
      if (options.walksGraph) expect(scans).toBeGreaterThan(0);
      expectSameNeighbours(union.candidates, exact);
      expectSameNeighbours(chosen.candidates, exact);
    }
  }

  beforeAll(async () => {
    ({ db } = await getDatabase());
    tenantA = (await createTeam(db, 'A')).tenantId;
    tenantB = (await createTeam(db, 'B')).tenantId;
    small = (await createTeam(db, 'Small')).tenantId;
    contentsA = await addVectorCorpus(db, tenantA, 240, 1);
    // Another tenant's chunks share the table, the vocabulary and (later) the graph.
    await addVectorCorpus(db, tenantB, 120, 2);
    await addVectorCorpus(db, small, 12, 3);
  });
  afterAll(async () => {
    await closeQueue();
    await closeDatabase();
  });

  it('searches a tenant below the threshold exactly, and one above it through the graph plus pending rows', async () => {
    const [text] = queriesFrom(contentsA, 1);
    expect((await withTenantId(small, (tx) => nearestChunks(tx, request(small, text!)))).plan).toBe('exact');
    expect((await withTenantId(tenantA, (tx) => nearestChunks(tx, request(tenantA, text!)))).plan).toBe('graph+pending');
  });

  it('returns the same passages as an exact search while indexing is pending, part-way, and after it completes', async () => {
    const texts = queriesFrom(contentsA, 12);
    expect(await pending(tenantA)).toBe(240);
    await expectUnionEqualsExact(tenantA, texts);

    // Two committed batches: part of the tenant in the graph, the rest still pending.
    await indexTenantChunks(tenantA, { batchSize: 32, timeBudgetMs: 0 });
    expect(await indexTenantChunks(tenantA, { batchSize: 32, timeBudgetMs: 0 })).toEqual({ indexed: 32, done: false });
    expect(await pending(tenantA)).toBe(240 - 64);
    await expectUnionEqualsExact(tenantA, texts, { walksGraph: true });

    expect(await indexTenantChunks(tenantA)).toEqual({ indexed: 240 - 64, done: true });
    expect(await pending(tenantA)).toBe(0);
    await expectUnionEqualsExact(tenantA, texts, { walksGraph: true });
  });

  it('makes a new document searchable the moment ingestion commits, before the graph has it', async () => {
    const content = '# Glacier tours\n\nOur glacier tours leave from Skaftafell at dawn; crampons and helmets are provided.';
    const document = await withTenantId(tenantA, (tx) => createDocument(tx, { tenantId: tenantA, title: 'Glacier tours', content, sourceType: 'text' }));
    expect(await ingestDocument(tenantA, document.id, localEmbedder)).toEqual({ status: 'ready', chunks: 1 });
    expect(await pending(tenantA)).toBe(1);
    const text = 'glacier tours crampons helmets';
    const [top] = await withTenantId(tenantA, async (tx) =>
      hybridSearch(tx, { tenantId: tenantA, text, vector: embedLocally(text), embeddingModel: localEmbedder.model }),
    );
    expect(top).toMatchObject({ documentId: document.id, vectorRank: 1 });
    await expectUnionEqualsExact(tenantA, [text, ...queriesFrom(contentsA, 3)]);
  });

  it('leaves a tenant that is searched exactly out of the graph', async () => {
    // `small` has 12 chunks, below the graph's minimum (half the threshold of 60).
    expect(await indexTenantChunks(small)).toEqual({ indexed: 0, done: true });
    expect(await pending(small)).toBe(12);
  });

  it('indexes in the background: at worker start, after ingestion through the queue, and by the sweep', async () => {
    const waitFor = async (condition: () => Promise<boolean>) => {
      for (let i = 0; i < 150 && !(await condition()); i++) await new Promise((resolve) => setTimeout(resolve, 200));
      expect(await condition()).toBe(true);
    };
    // A worker starting sweeps: B's 120 pending chunks (above the graph's minimum of 30) go in.
    expect(await pending(tenantB)).toBe(120);
    await startWorkers();
    await waitFor(async () => (await pending(tenantB)) === 0);

    const content = Array.from({ length: 3 }, (_, i) => `## Fjord ${i}\n\nFjord cruise ${i} sails past waterfalls and seal colonies twice a day.`).join('\n\n');
    const document = await withTenantId(tenantA, (tx) => createDocument(tx, { tenantId: tenantA, title: 'Fjords', content, sourceType: 'text' }));
    await enqueueIngestion({ tenantId: tenantA, documentId: document.id });
    const documentStatus = async () => (await db.select({ status: knowledgeDocuments.status }).from(knowledgeDocuments).where(eq(knowledgeDocuments.id, document.id)))[0]?.status;
    await waitFor(async () => (await documentStatus()) === 'ready' && (await pending(tenantA)) === 0);

    // Chunks written without a job (say the process died before queueing one) are found by the sweep.
    await db.update(knowledgeChunks).set({ embeddingIndexed: false }).where(and(eq(knowledgeChunks.tenantId, tenantA), eq(knowledgeChunks.documentId, document.id)));
    expect(await pending(tenantA)).toBeGreaterThan(0);
    expect(await queuePendingChunkIndexing()).toBe(1);
    await waitFor(async () => (await pending(tenantA)) === 0);
    // The small tenant is searched exactly: never queued, never in the graph.
    expect(await pending(small)).toBe(12);
  });
});
