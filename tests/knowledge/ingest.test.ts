import { and, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeDatabase, type Database, getDatabase } from '@/db/client';
import { createDocument } from '@/db/queries/knowledge';
import { closeQueue, enqueueIngestion } from '@/db/queue';
import { costEvents, knowledgeChunks, knowledgeDocuments, knowledgeSources } from '@/db/schema';
import { withTenantId } from '@/db/withTenant';
import { startWorkers } from '@/lib/jobs/workers';
import { type Embedder, localEmbedder } from '@/lib/knowledge/embedders';
import { defaultTitle, ingestDocument } from '@/lib/knowledge/ingest';
import { createTeam } from '../helpers/team';
import { buildPdf, buildPdfWithBrokenPages } from './fixtures';

const LONG_TEXT = Array.from({ length: 40 }, (_, i) => `## Topic ${i}\n\nParagraph ${i} explains how widget ${i} is calibrated, cleaned and stored over winter.`).join('\n\n');

describe('ingestion', () => {
  let db: Database;
  let tenantId: string;
  beforeAll(async () => {
    ({ db } = await getDatabase());
    tenantId = (await createTeam(db)).tenantId;
  });
  afterAll(async () => {
    await closeQueue();
    await closeDatabase();
  });

  const newDocument = (values: { content?: string; bytes?: Buffer; fileName?: string }) =>
    withTenantId(tenantId, (tx) =>
      createDocument(tx, { tenantId, title: values.fileName ? defaultTitle(values.fileName) : 'Doc', sourceType: values.bytes ? 'upload' : 'text', content: values.content, fileName: values.fileName }, values.bytes),
    );
  const chunksOf = (documentId: string) =>
    db.select().from(knowledgeChunks).where(and(eq(knowledgeChunks.tenantId, tenantId), eq(knowledgeChunks.documentId, documentId)));
  const documentRow = async (documentId: string) => (await db.select().from(knowledgeDocuments).where(eq(knowledgeDocuments.id, documentId)))[0]!;

  it('runs through the queue: an uploaded PDF becomes ready, its source bytes are dropped', async () => {
    const pdf = Buffer.from(await buildPdf([['Widgets must be oiled twice a year.'], ['The warranty lasts two years.']]));
    const document = await newDocument({ bytes: pdf, fileName: 'widget-care.pdf' });
    await startWorkers();
    await enqueueIngestion({ tenantId, documentId: document.id });
    for (let i = 0; i < 100 && (await documentRow(document.id)).status !== 'ready'; i++) await new Promise((r) => setTimeout(r, 200));
    const row = await documentRow(document.id);
    expect(row).toMatchObject({ status: 'ready', progress: 100, title: 'Field Guide to Widgets', mimeType: 'application/pdf' });
    expect(row.metadata.pageCount).toBe(2);
    expect(row.chunkCount).toBe((await chunksOf(document.id)).length);
    expect(await db.select().from(knowledgeSources).where(eq(knowledgeSources.documentId, document.id))).toHaveLength(0);
  });

  it('ends a file that cannot be read as failed with the reason, without retrying', async () => {
    const document = await newDocument({ bytes: Buffer.from('%PDF-1.4 not really a pdf'), fileName: 'broken.pdf' });
    expect(await ingestDocument(tenantId, document.id, localEmbedder)).toEqual({ status: 'failed', reason: 'This PDF is damaged and cannot be read.' });
    expect(await documentRow(document.id)).toMatchObject({ status: 'failed', statusReason: 'This PDF is damaged and cannot be read.' });
  });

  it('indexes a PDF with pages that cannot be read, and says which pages were skipped, also after a re-index', async () => {
    const pdf = Buffer.from(buildPdfWithBrokenPages(['Oil widgets twice a year.', 'Broken page.', 'The warranty lasts two years.', 'Broken too.'], [2, 4]));
    const document = await newDocument({ bytes: pdf, fileName: 'manual.pdf' });
    expect(await ingestDocument(tenantId, document.id, localEmbedder)).toMatchObject({ status: 'ready' });
    const row = await documentRow(document.id);
    expect(row).toMatchObject({ status: 'ready', statusReason: 'Pages 2 and 4 could not be read and were skipped.' });
    expect(row.metadata).toMatchObject({ pageCount: 4, skippedPages: [2, 4] });
    expect(row.content).toContain('The warranty lasts two years.');
    // The bytes are gone: a re-index reads the extracted text, and keeps the note.
    expect(await ingestDocument(tenantId, document.id, localEmbedder)).toMatchObject({ status: 'ready' });
    expect(await documentRow(document.id)).toMatchObject({ status: 'ready', statusReason: 'Pages 2 and 4 could not be read and were skipped.' });
  });

  it('retries after a provider failure and ends with exactly one set of chunks', async () => {
    const document = await newDocument({ content: LONG_TEXT });
    let calls = 0;
    const flaky: Embedder = {
      ...localEmbedder,
      batchSize: 4,
      embed: async (texts, purpose) => {
        calls++;
        if (calls === 3) throw new Error('503 from the embedding provider');
        return localEmbedder.embed(texts, purpose);
      },
    };
    await expect(ingestDocument(tenantId, document.id, flaky)).rejects.toThrow('503');
    // The failed attempt wrote no chunks; a previous set (none here) would still be intact.
    expect(await chunksOf(document.id)).toHaveLength(0);
    expect(await ingestDocument(tenantId, document.id, flaky)).toMatchObject({ status: 'ready' });
    const first = await chunksOf(document.id);
    // Indexing again (re-index, or a job that ran twice) swaps the set; it never adds to it.
    expect(await ingestDocument(tenantId, document.id, localEmbedder)).toMatchObject({ status: 'ready' });
    const second = await chunksOf(document.id);
    expect(second).toHaveLength(first.length);
    expect(new Set(second.map((chunk) => chunk.position)).size).toBe(second.length);
    expect((await documentRow(document.id)).chunkCount).toBe(second.length);
  });

  it('records what the provider billed even when indexing then fails', async () => {
    const document = await newDocument({ content: LONG_TEXT });
    let calls = 0;
    const billedThenDown: Embedder = {
      ...localEmbedder,
      provider: 'openai',
      model: 'text-embedding-3-small',
      billed: true,
      batchSize: 4,
      embed: async (texts, purpose) => {
        if (++calls === 2) throw new Error('503 from the embedding provider');
        return { ...(await localEmbedder.embed(texts, purpose)), tokens: 500 };
      },
    };
    const before = await db.select().from(costEvents).where(eq(costEvents.tenantId, tenantId));
    await expect(ingestDocument(tenantId, document.id, billedThenDown)).rejects.toThrow('503');
    const after = await db.select().from(costEvents).where(eq(costEvents.tenantId, tenantId));
    expect(after.length - before.length).toBe(1);
  });

  it('records an embedding cost event for a billed provider', async () => {
    const document = await newDocument({ content: '# Hours\n\nOpen 9 to 5.' });
    const billed: Embedder = { ...localEmbedder, provider: 'openai', model: 'text-embedding-3-small', billed: true, embed: async (texts, purpose) => ({ ...(await localEmbedder.embed(texts, purpose)), tokens: 1_000_000 }) };
    await ingestDocument(tenantId, document.id, billed);
    const [event] = await db
      .select({ cost: sql<string>`${costEvents.costUsd}::text`, tokens: costEvents.inputTokens, model: costEvents.model })
      .from(costEvents)
      .where(and(eq(costEvents.tenantId, tenantId), eq(costEvents.service, 'embedding'), eq(costEvents.inputTokens, 1_000_000)));
    expect(event).toEqual({ cost: '0.02000000', tokens: 1_000_000, model: 'text-embedding-3-small' });
  });
});

describe('changing the embedding model', () => {
  afterAll(async () => {
    await closeQueue();
    await closeDatabase();
  });

  it('queues every ready document embedded by another model for re-indexing', async () => {
    const { db } = await getDatabase();
    const { reembedStaleDocuments } = await import('@/lib/jobs/workers');
    const tenantId = (await createTeam(db)).tenantId;
    const document = await withTenantId(tenantId, (tx) => createDocument(tx, { tenantId, title: 'Hours', sourceType: 'text', content: '# Hours\n\nOpen 9 to 5.' }));
    await ingestDocument(tenantId, document.id, localEmbedder);
    expect(await reembedStaleDocuments(localEmbedder.model)).toBe(0);
    expect(await reembedStaleDocuments('text-embedding-3-small')).toBeGreaterThanOrEqual(1);
    const [row] = await db.select().from(knowledgeDocuments).where(eq(knowledgeDocuments.id, document.id));
    expect(row).toMatchObject({ status: 'queued', statusReason: 'Re-embedding with text-embedding-3-small' });
  });
});
