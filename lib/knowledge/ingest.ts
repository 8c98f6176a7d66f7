import 'server-only';
import { getDocument, getDocumentSource, replaceChunks, updateDocument } from '@/db/queries/knowledge';
import { withTenantId } from '@/db/withTenant';
import { recordEmbeddingCost } from '@/lib/costs/events';
import { chunkMarkdown } from './chunking';
import { configuredEmbedder, type Embedder } from './embedders';
import { ExtractionError, mimeTypeOf, skippedPagesNote } from './extract';
import { extractDocumentIsolated } from './extract-isolated';
import { fetchPage } from './fetch-url';
import { getEnv } from '@/lib/env';

function urlImportLimits() {
  const env = getEnv();
  return {
    maxBytes: env.KNOWLEDGE_MAX_UPLOAD_MB * 1_048_576,
    timeoutMs: 15_000,
    maxRedirects: 5,
    allowedHosts: env.KNOWLEDGE_URL_ALLOWLIST.split(',').map((host) => host.trim().toLowerCase()).filter(Boolean),
  };
}

// Sections under 16 tokens (a heading and one short line) merge with their neighbours. On the
// labelled set (`npm run bench -- quality`) 16 and 0 tie on recall@3; 32 merged whole FAQ
// pages into long chunks and lost their short answers.
export const CHUNK_OPTIONS = { maxTokens: 400, overlapTokens: 60, minSectionTokens: 16 };

/**
 * The version of the indexing pipeline (chunking, indexed and embedded text). Documents indexed
 * by an older version are re-indexed when a worker starts. 2: titles in every chunk, code
 * fences opaque to headings, tiny sections merged.
 */
export const INDEX_VERSION = 2;

export type IngestionOutcome = { status: 'ready'; chunks: number } | { status: 'failed'; reason: string } | { status: 'missing' };

/** Text of a chunk as it is embedded: its document title and heading path give it context. */
export function embeddingText(title: string, headingPath: string[], content: string): string {
  const context = [title, ...headingPath.filter((heading) => heading !== title)].filter(Boolean);
  return context.length ? `${context.join(' > ')}\n${content}` : content;
}

/**
 * Extracts, chunks and embeds one document. Progress is written as it goes, in small
 * transactions of its own; the chunks are swapped in at the end in one transaction, so a
 * crash anywhere leaves the previous set (or none) and the job can simply run again.
 * Problems with the file itself end as `failed` with a reason; anything else (a database or
 * provider outage) is thrown so the queue retries.
 */
export async function ingestDocument(
  tenantId: string,
  documentId: string,
  embedder: Embedder = configuredEmbedder(),
): Promise<IngestionOutcome> {
  const setProgress = (progress: number, statusReason: string | null = null) =>
    withTenantId(tenantId, (tx) => updateDocument(tx, tenantId, documentId, { status: 'processing', progress, statusReason }));

  const loaded = await withTenantId(tenantId, async (tx) => {
    const document = await getDocument(tx, tenantId, documentId);
    if (!document) return undefined;
    await updateDocument(tx, tenantId, documentId, { status: 'processing', progress: 5, statusReason: null });
    return { document, source: await getDocumentSource(tx, tenantId, documentId) };
  });
  if (!loaded) return { status: 'missing' };
  const { document, source } = loaded;

  let text = document.content ?? '';
  let title = document.title;
  let pageCount: number | undefined;
  // PDF pages that could not be read. Kept in the metadata: a re-index of text already
  // extracted (the bytes are dropped after extraction) still shows which pages are missing.
  let skippedPages = document.metadata.skippedPages;
  // Web pages are fetched (again, on re-index) by the worker, never by the request handler.
  const importsPage = !source && document.sourceType === 'url' && !!document.sourceUrl;
  if (source || importsPage) {
    try {
      const bytes = source ?? (await fetchPage(document.sourceUrl!, urlImportLimits())).bytes;
      // In a child process with memory and time limits: a hostile file cannot take the server down.
      const extracted = await extractDocumentIsolated(bytes, document.fileName ?? '');
      text = extracted.text;
      pageCount = extracted.pageCount;
      skippedPages = extracted.skippedPages;
      // A title from inside the file beats the file name.
      const untitled = document.fileName ? title === defaultTitle(document.fileName) : title === document.sourceUrl;
      if (extracted.title && untitled) title = extracted.title.slice(0, 200);
      await withTenantId(tenantId, (tx) =>
        updateDocument(tx, tenantId, documentId, { content: text, title, mimeType: mimeTypeOf(extracted.type), progress: 20 }),
      );
    } catch (error) {
      if (!(error instanceof ExtractionError)) throw error;
      await withTenantId(tenantId, (tx) => updateDocument(tx, tenantId, documentId, { status: 'failed', progress: 0, statusReason: error.message }));
      return { status: 'failed', reason: error.message };
    }
  }
  if (!text.trim()) {
    const reason = 'No text found in this document.';
    await withTenantId(tenantId, (tx) => updateDocument(tx, tenantId, documentId, { status: 'failed', progress: 0, statusReason: reason }));
    return { status: 'failed', reason };
  }

  const chunks = chunkMarkdown(text, CHUNK_OPTIONS);
  await setProgress(30);
  const vectors: number[][] = [];
  for (let start = 0; start < chunks.length; start += embedder.batchSize) {
    const batch = chunks.slice(start, start + embedder.batchSize);
    const result = await embedder.embed(batch.map((chunk) => embeddingText(title, chunk.headingPath, chunk.content)), 'document');
    vectors.push(...result.vectors);
    // Recorded as soon as the provider has billed it, even if indexing fails later and is retried.
    if (embedder.billed) {
      await withTenantId(tenantId, (tx) =>
        recordEmbeddingCost(tx, { tenantId, provider: embedder.provider, model: embedder.model, tokens: result.tokens, operation: 'index document' }),
      );
    }
    // Progress only every few batches: each update is a write.
    if (chunks.length > embedder.batchSize) await setProgress(30 + Math.floor((65 * vectors.length) / chunks.length));
  }

  const finished = await withTenantId(tenantId, async (tx) => {
    // Read again: the document may have been deleted, or its filters edited, meanwhile.
    const current = await getDocument(tx, tenantId, documentId);
    if (!current) return false;
    await replaceChunks(
      tx,
      tenantId,
      documentId,
      chunks.map((chunk, position) => ({
        position,
        documentTitle: title,
        content: chunk.content,
        headingPath: chunk.headingPath,
        tokenCount: chunk.tokenCount,
        embedding: vectors[position]!,
        embeddingModel: embedder.model,
        metadata: { overlapTokens: chunk.overlapTokens },
      })),
      { category: current.category, tags: current.tags },
    );
    await updateDocument(tx, tenantId, documentId, {
      status: 'ready',
      progress: 100,
      statusReason: skippedPages?.length ? skippedPagesNote(skippedPages) : null,
      chunkCount: chunks.length,
      tokenCount: chunks.reduce((sum, chunk) => sum + chunk.tokenCount, 0),
      embeddingModel: embedder.model,
      metadata: { ...document.metadata, ...(pageCount ? { pageCount } : {}), skippedPages, indexVersion: INDEX_VERSION },
    });
    return true;
  });
  return finished ? { status: 'ready', chunks: chunks.length } : { status: 'missing' };
}

/** The title a document gets from its file name until its content offers a better one. */
export function defaultTitle(fileName: string): string {
  return fileName.replace(/\.[a-z0-9]{1,5}$/i, '').replace(/[-_]+/g, ' ').trim().slice(0, 200) || 'Untitled document';
}
