import 'server-only';
import { createOpenAI } from '@ai-sdk/openai';
import { embedMany, type EmbeddingModel } from 'ai';
import { createVoyage } from 'voyage-ai-provider';
import { EMBEDDING_DIMENSIONS } from '@/db/schema';
import { type Env, getEnv } from '@/lib/env';
import { embedLocally, LOCAL_EMBEDDING_MODEL } from './local-embedder';

export type EmbeddingPurpose = 'document' | 'query';
export type EmbeddingBatch = { vectors: number[][]; tokens: number };

/** One interface for every embedding backend; vectors are always 1024-dimensional. */
export type Embedder = {
  provider: string;
  /** Recorded with each vector: vectors of different models are never compared. */
  model: string;
  /** Lexical (word overlap) rather than semantic: shown as such in the UI. */
  lexical: boolean;
  /** Billed calls record a cost event. */
  billed: boolean;
  batchSize: number;
  embed(texts: string[], purpose: EmbeddingPurpose, signal?: AbortSignal): Promise<EmbeddingBatch>;
};

export const localEmbedder: Embedder = {
  provider: 'local',
  model: LOCAL_EMBEDDING_MODEL,
  lexical: true,
  billed: false,
  batchSize: 256,
  embed: async (texts) => ({ vectors: texts.map(embedLocally), tokens: 0 }),
};

function checkDimensions(vectors: number[][], model: string): number[][] {
  const wrong = vectors.find((vector) => vector.length !== EMBEDDING_DIMENSIONS);
  if (wrong) {
    throw new Error(`The embedding model ${model} returned ${wrong.length} dimensions; ${EMBEDDING_DIMENSIONS} are required.`);
  }
  return vectors;
}

/** An embedder backed by an AI SDK model. Transient failures (429, 5xx) are retried with backoff. */
export function sdkEmbedder(options: {
  provider: string;
  model: string;
  embeddingModel: EmbeddingModel;
  providerOptions?: (purpose: EmbeddingPurpose) => Parameters<typeof embedMany>[0]['providerOptions'];
  batchSize?: number;
  maxRetries?: number;
}): Embedder {
  return {
    provider: options.provider,
    model: options.model,
    lexical: false,
    billed: true,
    batchSize: options.batchSize ?? 96,
    async embed(texts, purpose, signal) {
      const result = await embedMany({
        model: options.embeddingModel,
        values: texts,
        maxRetries: options.maxRetries ?? 4,
        abortSignal: signal,
        providerOptions: options.providerOptions?.(purpose),
      });
      return { vectors: checkDimensions(result.embeddings, options.model), tokens: result.usage?.tokens ?? 0 };
    },
  };
}

/** The embedder this deployment is configured for (EMBEDDING_PROVIDER and friends). */
export function configuredEmbedder(env: Env = getEnv()): Embedder {
  const provider = env.EMBEDDING_PROVIDER ?? 'local';
  if (provider === 'local') return localEmbedder;
  if (provider === 'voyage') {
    if (!env.VOYAGE_API_KEY) throw new Error('EMBEDDING_PROVIDER=voyage needs VOYAGE_API_KEY.');
    const model = env.EMBEDDING_MODEL ?? 'voyage-3.5';
    return sdkEmbedder({
      provider: 'voyage',
      model,
      embeddingModel: createVoyage({ apiKey: env.VOYAGE_API_KEY }).embeddingModel(model),
      providerOptions: (purpose) => ({ voyage: { inputType: purpose, outputDimension: EMBEDDING_DIMENSIONS } }),
      batchSize: 128,
    });
  }
  const apiKey = provider === 'openai' ? env.OPENAI_API_KEY : (env.EMBEDDING_API_KEY ?? 'not-needed');
  if (!apiKey) throw new Error('EMBEDDING_PROVIDER=openai needs OPENAI_API_KEY.');
  if (provider === 'openai-compatible' && !env.EMBEDDING_BASE_URL) {
    throw new Error('EMBEDDING_PROVIDER=openai-compatible needs EMBEDDING_BASE_URL.');
  }
  const model = env.EMBEDDING_MODEL ?? 'text-embedding-3-small';
  const openai = createOpenAI({ apiKey, baseURL: provider === 'openai' ? undefined : env.EMBEDDING_BASE_URL });
  return sdkEmbedder({
    provider: provider === 'openai' ? 'openai' : 'openai-compatible',
    model,
    embeddingModel: openai.embedding(model),
    // text-embedding-3 models shorten to the requested size; other servers ignore it.
    providerOptions: () => ({ openai: { dimensions: EMBEDDING_DIMENSIONS } }),
  });
}
