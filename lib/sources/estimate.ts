import 'server-only';
import { and, eq, isNotNull, sql } from 'drizzle-orm';
import { knowledgeDocuments, type SyncEstimate } from '@/db/schema';
import type { Transaction } from '@/db/withTenant';
import { findPrice, perMillion } from '@/lib/costs/prices';
import type { Embedder } from '@/lib/knowledge/embedders';

// What a crawl may cost to embed, shown before a large crawl starts when the embedder bills:
// pages × average tokens per page × the model's price, computed in PostgreSQL numeric.

/**
 * Tokens per page assumed until the workspace has crawled pages of its own (then its own
 * average is used). The 14 HTML files of the shared robustness corpus extract to a median of
 * 95 and a mean of 10,561 tokens: too spread to fit, so this is a round figure for a help
 * article (one to two screens of text), erring high so an estimate does not surprise.
 */
export const DEFAULT_TOKENS_PER_PAGE = 1000;

/** Crawls of at least this many pages ask for confirmation when the embedder bills. */
export const CONFIRM_CRAWL_PAGES = 20;

export async function estimateCrawl(tx: Transaction, tenantId: string, pages: number, embedder: Embedder): Promise<SyncEstimate | undefined> {
  if (!embedder.billed) return undefined;
  const [average] = await tx
    .select({ tokens: sql<number | null>`avg(${knowledgeDocuments.tokenCount})::int` })
    .from(knowledgeDocuments)
    .where(and(eq(knowledgeDocuments.tenantId, tenantId), isNotNull(knowledgeDocuments.sourceId), eq(knowledgeDocuments.status, 'ready')));
  const tokens = pages * (average?.tokens || DEFAULT_TOKENS_PER_PAGE);
  const price = findPrice('embedding', embedder.model);
  let costUsd = 'unknown';
  if (price) {
    const [row] = await tx.select({ cost: sql<string>`round(${perMillion(tokens, price.perMillionTokens)}, 4)::text` }).from(sql`(select 1) as one`);
    costUsd = row!.cost;
  }
  return { pages, tokens, costUsd, model: embedder.model };
}
