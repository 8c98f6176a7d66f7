import 'server-only';
import type { Transaction } from '@/db/withTenant';
import { recordEmbeddingCost } from '@/lib/costs/events';
import { configuredEmbedder, type Embedder } from './embedders';
import { hybridSearch, type SearchFilters, type SearchHit } from './search';

// Retrieval in two steps because a transaction must never wait on the network: the query is
// embedded first, then searched (and its embedding billed) inside the caller's transaction.

export type EmbeddedQuery = { text: string; embedder: Embedder; vector: number[]; tokens: number };

export async function embedQuery(text: string, embedder: Embedder = configuredEmbedder(), signal?: AbortSignal): Promise<EmbeddedQuery> {
  const { vectors, tokens } = await embedder.embed([text], 'query', signal);
  return { text, embedder, vector: vectors[0]!, tokens };
}

export async function searchKnowledge(
  tx: Transaction,
  query: EmbeddedQuery,
  options: SearchFilters & { tenantId: string; limit: number; operation: string; sessionId?: string },
): Promise<SearchHit[]> {
  const { embedder } = query;
  const hits = await hybridSearch(tx, {
    tenantId: options.tenantId,
    text: query.text,
    vector: query.vector,
    embeddingModel: embedder.model,
    category: options.category,
    tags: options.tags,
    limit: options.limit,
  });
  if (embedder.billed) {
    await recordEmbeddingCost(tx, {
      tenantId: options.tenantId,
      provider: embedder.provider,
      model: embedder.model,
      tokens: query.tokens,
      sessionId: options.sessionId,
      operation: options.operation,
    });
  }
  return hits;
}
