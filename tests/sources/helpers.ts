import { and, eq } from 'drizzle-orm';
import type { Database } from '@/db/client';
import { createSource, createSync } from '@/db/queries/sources';
import { type CrawlSettings, knowledgeChunks, knowledgeDocuments, type NewSource, sourcePages } from '@/db/schema';
import { withTenantId } from '@/db/withTenant';
import { type Embedder, localEmbedder } from '@/lib/knowledge/embedders';
import { runSync, type SyncRuntime } from '@/lib/sources/sync';

export const testRuntime = (overrides: Partial<SyncRuntime> = {}): SyncRuntime => ({
  embedder: localEmbedder,
  // Generous: the machine running the tests may be busy; the slow-page test sets its own.
  limits: { maxBytes: 1_048_576, timeoutMs: 8000, maxRedirects: 3, allowedHosts: ['127.0.0.1:*'] },
  hostConcurrency: 2,
  stalledSeconds: 120,
  heartbeatMs: 60_000,
  ...overrides,
});

export const crawlSettings = (overrides: Partial<CrawlSettings> = {}): CrawlSettings => ({
  sameSite: true,
  include: [],
  exclude: [],
  maxPages: 200,
  maxDepth: 5,
  ...overrides,
});

export async function addSource(tenantId: string, values: Partial<NewSource> & Pick<NewSource, 'url' | 'kind'>) {
  return withTenantId(tenantId, (tx) => createSource(tx, { tenantId, name: values.url, crawl: crawlSettings(), ...values }));
}

/** Queues a sync of the source and runs it to the end in this process. */
export async function syncNow(tenantId: string, sourceId: string, runtime = testRuntime()) {
  const sync = await withTenantId(tenantId, (tx) => createSync(tx, { tenantId, sourceId, trigger: 'manual' }));
  if (!sync) throw new Error('A sync is already active');
  const outcome = await runSync(tenantId, sync.id, runtime);
  if (outcome.status === 'skipped') throw new Error('The sync was not claimed');
  return outcome.sync;
}

export async function pagesOf(db: Database, sourceId: string) {
  const rows = await db.select().from(sourcePages).where(eq(sourcePages.sourceId, sourceId));
  return new Map(rows.map((row) => [new URL(row.url).pathname + new URL(row.url).search, row]));
}

export async function documentsOf(db: Database, sourceId: string) {
  return db.select().from(knowledgeDocuments).where(eq(knowledgeDocuments.sourceId, sourceId));
}

export async function chunksOf(db: Database, documentId: string) {
  return db.select().from(knowledgeChunks).where(and(eq(knowledgeChunks.documentId, documentId)));
}

/** A billed embedder (priced model) that counts its calls, over the local vectors. */
export function countingEmbedder(): Embedder & { calls: number; texts: number } {
  const embedder = {
    ...localEmbedder,
    provider: 'openai',
    model: 'text-embedding-3-small',
    billed: true,
    calls: 0,
    texts: 0,
    async embed(texts: string[], purpose: 'document' | 'query') {
      embedder.calls++;
      embedder.texts += texts.length;
      const result = await localEmbedder.embed(texts, purpose);
      return { vectors: result.vectors, tokens: texts.join(' ').split(/\s+/).length };
    },
  };
  return embedder;
}
