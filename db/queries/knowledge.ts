import 'server-only';
import { and, arrayContains, asc, count, desc, eq, ilike, inArray, type SQL, sql } from 'drizzle-orm';
import type { Transaction } from '../client';
import {
  DOCUMENT_STATUSES,
  type KnowledgeDocument,
  knowledgeChunks,
  knowledgeDocuments,
  knowledgeSources,
  type NewKnowledgeChunk,
  type NewKnowledgeDocument,
} from '../schema';

export const DOCUMENT_SORTS = ['updated', 'title', 'status', 'chunks', 'size'] as const;
export type DocumentSort = (typeof DOCUMENT_SORTS)[number];

export type DocumentListOptions = {
  status?: (typeof DOCUMENT_STATUSES)[number];
  category?: string;
  tag?: string;
  search?: string;
  sort: DocumentSort;
  direction: 'asc' | 'desc';
  page: number;
  pageSize: number;
};

const SORT_COLUMNS = {
  updated: knowledgeDocuments.updatedAt,
  title: knowledgeDocuments.title,
  status: knowledgeDocuments.status,
  chunks: knowledgeDocuments.chunkCount,
  size: knowledgeDocuments.sizeBytes,
} as const;

export async function listDocuments(tx: Transaction, tenantId: string, options: DocumentListOptions) {
  const filters: SQL[] = [eq(knowledgeDocuments.tenantId, tenantId)];
  if (options.status) filters.push(eq(knowledgeDocuments.status, options.status));
  if (options.category) filters.push(eq(knowledgeDocuments.category, options.category));
  if (options.tag) filters.push(arrayContains(knowledgeDocuments.tags, [options.tag]));
  if (options.search) filters.push(ilike(knowledgeDocuments.title, `%${options.search.replace(/[%_\\]/g, '\\$&')}%`));
  const where = and(...filters);
  const order = options.direction === 'asc' ? asc : desc;
  const rows = await tx
    .select({
      id: knowledgeDocuments.id,
      title: knowledgeDocuments.title,
      category: knowledgeDocuments.category,
      tags: knowledgeDocuments.tags,
      status: knowledgeDocuments.status,
      statusReason: knowledgeDocuments.statusReason,
      progress: knowledgeDocuments.progress,
      chunkCount: knowledgeDocuments.chunkCount,
      tokenCount: knowledgeDocuments.tokenCount,
      sizeBytes: knowledgeDocuments.sizeBytes,
      mimeType: knowledgeDocuments.mimeType,
      updatedAt: knowledgeDocuments.updatedAt,
    })
    .from(knowledgeDocuments)
    .where(where)
    .orderBy(order(SORT_COLUMNS[options.sort]), order(knowledgeDocuments.id))
    .limit(options.pageSize)
    .offset((options.page - 1) * options.pageSize);
  const [total] = await tx.select({ n: count() }).from(knowledgeDocuments).where(where);
  return { rows, total: total?.n ?? 0 };
}

export async function listDocumentFacets(tx: Transaction, tenantId: string) {
  const categories = await tx
    .selectDistinct({ category: knowledgeDocuments.category })
    .from(knowledgeDocuments)
    .where(and(eq(knowledgeDocuments.tenantId, tenantId), sql`${knowledgeDocuments.category} is not null`))
    .orderBy(knowledgeDocuments.category);
  const tags = await tx
    .selectDistinct({ tag: sql<string>`unnest(${knowledgeDocuments.tags})` })
    .from(knowledgeDocuments)
    .where(eq(knowledgeDocuments.tenantId, tenantId))
    .orderBy(sql`1`);
  return { categories: categories.map((row) => row.category!), tags: tags.map((row) => row.tag) };
}

export async function getDocument(tx: Transaction, tenantId: string, documentId: string): Promise<KnowledgeDocument | undefined> {
  const [document] = await tx
    .select()
    .from(knowledgeDocuments)
    .where(and(eq(knowledgeDocuments.tenantId, tenantId), eq(knowledgeDocuments.id, documentId)));
  return document;
}

/** A new document waiting for ingestion, with the uploaded bytes kept until they are extracted. */
export async function createDocument(tx: Transaction, values: NewKnowledgeDocument, bytes?: Buffer) {
  const [document] = await tx.insert(knowledgeDocuments).values(values).returning();
  if (bytes) {
    // As base64 text: PGlite encodes a bytea parameter byte by byte (55 s for 20 MB, 8.5 s this way).
    await tx.insert(knowledgeSources).values({ tenantId: document!.tenantId, documentId: document!.id, bytes: sql`decode(${bytes.toString('base64')}, 'base64')` });
  }
  return document!;
}

export async function getDocumentSource(tx: Transaction, tenantId: string, documentId: string) {
  const [source] = await tx
    .select({ base64: sql<string>`encode(${knowledgeSources.bytes}, 'base64')` })
    .from(knowledgeSources)
    .where(and(eq(knowledgeSources.tenantId, tenantId), eq(knowledgeSources.documentId, documentId)));
  // Read as base64 for the same reason (14 s for 20 MB as bytea on PGlite, 2.6 s this way).
  return source ? Buffer.from(source.base64, 'base64') : undefined;
}

export async function updateDocument(
  tx: Transaction,
  tenantId: string,
  documentId: string,
  values: Partial<Omit<NewKnowledgeDocument, 'id' | 'tenantId'>>,
) {
  const [document] = await tx
    .update(knowledgeDocuments)
    .set(values)
    .where(and(eq(knowledgeDocuments.tenantId, tenantId), eq(knowledgeDocuments.id, documentId)))
    .returning({ id: knowledgeDocuments.id });
  // Chunks carry copies of the document's filters; keep them in step.
  if (document && (values.category !== undefined || values.tags !== undefined)) {
    await tx
      .update(knowledgeChunks)
      .set({ ...(values.category !== undefined ? { category: values.category } : {}), ...(values.tags !== undefined ? { tags: values.tags } : {}) })
      .where(and(eq(knowledgeChunks.tenantId, tenantId), eq(knowledgeChunks.documentId, documentId)));
  }
  return !!document;
}

/**
 * Swaps a document's chunks for a new set in one statement group inside the caller's
 * transaction: readers see the old set or the new one, never a mix or a half.
 */
export async function replaceChunks(
  tx: Transaction,
  tenantId: string,
  documentId: string,
  chunks: Array<Omit<NewKnowledgeChunk, 'tenantId' | 'documentId' | 'category' | 'tags'>>,
  filters: { category: string | null; tags: string[] },
) {
  await tx.delete(knowledgeChunks).where(and(eq(knowledgeChunks.tenantId, tenantId), eq(knowledgeChunks.documentId, documentId)));
  for (let i = 0; i < chunks.length; i += 200) {
    await tx.insert(knowledgeChunks).values(chunks.slice(i, i + 200).map((chunk) => ({ ...chunk, ...filters, tenantId, documentId })));
  }
  await tx.delete(knowledgeSources).where(and(eq(knowledgeSources.tenantId, tenantId), eq(knowledgeSources.documentId, documentId)));
}

/**
 * Marks for re-indexing the documents whose chunks were embedded by another model than the
 * configured one (vectors of different models are never compared), or indexed by an older
 * version of the pipeline, returning their ids.
 */
export async function queueDocumentsWithStaleEmbeddings(tx: Transaction, tenantId: string, embeddingModel: string, indexVersion: number) {
  const stale = await tx
    .update(knowledgeDocuments)
    .set({
      status: 'queued',
      progress: 0,
      statusReason: sql`case when ${knowledgeDocuments.embeddingModel} is distinct from ${embeddingModel} then ${`Re-embedding with ${embeddingModel}`} else 'Re-indexing with improved search' end`,
    })
    .where(
      and(
        eq(knowledgeDocuments.tenantId, tenantId),
        eq(knowledgeDocuments.status, 'ready'),
        sql`(${knowledgeDocuments.embeddingModel} is distinct from ${embeddingModel} or coalesce((${knowledgeDocuments.metadata}->>'indexVersion')::int, 1) < ${indexVersion})`,
      ),
    )
    .returning({ id: knowledgeDocuments.id });
  return stale.map((row) => row.id);
}

/**
 * Adds up to `limit` of the tenant's pending chunks to the HNSW graph: flipping
 * `embedding_indexed` puts the row in the partial index, and the graph insertion happens in
 * this statement, inside the caller's transaction (all or nothing). Rows another worker holds
 * are skipped. Returns how many were indexed.
 */
export async function indexPendingChunks(tx: Transaction, tenantId: string, limit: number): Promise<number> {
  const pending = tx
    .select({ id: knowledgeChunks.id })
    .from(knowledgeChunks)
    .where(and(eq(knowledgeChunks.tenantId, tenantId), sql`not ${knowledgeChunks.embeddingIndexed}`))
    .limit(limit)
    .for('update', { skipLocked: true });
  const indexed = await tx
    .update(knowledgeChunks)
    .set({ embeddingIndexed: true })
    .where(and(eq(knowledgeChunks.tenantId, tenantId), inArray(knowledgeChunks.id, pending)))
    .returning({ id: knowledgeChunks.id });
  return indexed.length;
}

/**
 * How many chunks the tenant has, from its documents' counts (kept in step with the chunks in
 * the same transaction): far cheaper than counting chunk rows.
 */
export async function countTenantChunks(tx: Transaction, tenantId: string): Promise<number> {
  const [row] = await tx
    .select({ n: sql<string | null>`sum(${knowledgeDocuments.chunkCount})` })
    .from(knowledgeDocuments)
    .where(eq(knowledgeDocuments.tenantId, tenantId));
  return Number(row?.n ?? 0);
}

/** How many of the tenant's chunks are not in the HNSW graph yet (searched exactly meanwhile). */
export async function countPendingChunks(tx: Transaction, tenantId: string): Promise<number> {
  const [row] = await tx
    .select({ n: count() })
    .from(knowledgeChunks)
    .where(and(eq(knowledgeChunks.tenantId, tenantId), sql`not ${knowledgeChunks.embeddingIndexed}`));
  return row?.n ?? 0;
}

export async function deleteDocument(tx: Transaction, tenantId: string, documentId: string) {
  const deleted = await tx
    .delete(knowledgeDocuments)
    .where(and(eq(knowledgeDocuments.tenantId, tenantId), eq(knowledgeDocuments.id, documentId)))
    .returning({ id: knowledgeDocuments.id });
  return deleted.length > 0;
}

export async function listChunks(tx: Transaction, tenantId: string, documentId: string, limit: number, offset: number) {
  return tx
    .select({
      id: knowledgeChunks.id,
      position: knowledgeChunks.position,
      content: knowledgeChunks.content,
      headingPath: knowledgeChunks.headingPath,
      tokenCount: knowledgeChunks.tokenCount,
      embeddingModel: knowledgeChunks.embeddingModel,
    })
    .from(knowledgeChunks)
    .where(and(eq(knowledgeChunks.tenantId, tenantId), eq(knowledgeChunks.documentId, documentId)))
    .orderBy(asc(knowledgeChunks.position))
    .limit(limit)
    .offset(offset);
}
