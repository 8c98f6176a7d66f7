import { createOpenAI } from '@ai-sdk/openai';
import { and, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeDatabase, type Database, getDatabase } from '@/db/client';
import { createDocument } from '@/db/queries/knowledge';
import { costEvents, knowledgeChunks } from '@/db/schema';
import { withTenantId } from '@/db/withTenant';
import { configuredEmbedder, sdkEmbedder } from '@/lib/knowledge/embedders';
import { ingestDocument } from '@/lib/knowledge/ingest';
import { startOpenAiServer, type OpenAiTestServer } from '../helpers/openai-server';
import { createTeam } from '../helpers/team';

describe('embedding providers over the OpenAI HTTP API', () => {
  let server: OpenAiTestServer;
  let db: Database;
  beforeAll(async () => {
    server = await startOpenAiServer();
    ({ db } = await getDatabase());
  });
  afterAll(async () => {
    await server.close();
    await closeDatabase();
  });

  const embedder = (batchSize = 3) =>
    sdkEmbedder({
      provider: 'openai',
      model: 'text-embedding-3-small',
      embeddingModel: createOpenAI({ apiKey: 'test-key', baseURL: server.baseURL }).embedding('text-embedding-3-small'),
      providerOptions: () => ({ openai: { dimensions: 1024 } }),
      batchSize,
    });

  it('sends the documented request shape and asks for 1024 dimensions', async () => {
    server.requests.length = 0;
    const result = await embedder().embed(['first passage', 'second'], 'document');
    expect(result.vectors).toHaveLength(2);
    expect(result.vectors[0]).toHaveLength(1024);
    const [request] = server.requests;
    expect(request).toMatchObject({ path: '/v1/embeddings', body: { model: 'text-embedding-3-small', input: ['first passage', 'second'], dimensions: 1024 } });
    expect(request!.headers.authorization).toBe('Bearer test-key');
  });

  it('retries rate limits and server errors, then succeeds', async () => {
    server.requests.length = 0;
    server.failNext(429, 503);
    const result = await embedder().embed(['retry me'], 'query');
    expect(result.vectors).toHaveLength(1);
    expect(server.requests).toHaveLength(3);
  }, 60_000);

  it('indexes a document in batches and records the exact cost of the billed tokens', async () => {
    const tenantId = (await createTeam(db)).tenantId;
    // Sections long enough to stay chunks of their own (tiny ones merge with their neighbours).
    const content = Array.from({ length: 7 }, (_, i) => `## Part ${i}\n\nPart ${i} of the manual explains how to assemble, test and store the device safely over a long winter.`).join('\n\n');
    const document = await withTenantId(tenantId, (tx) => createDocument(tx, { tenantId, title: 'Manual', sourceType: 'text', content }));
    server.requests.length = 0;
    expect(await ingestDocument(tenantId, document.id, embedder(3))).toMatchObject({ status: 'ready', chunks: 7 });
    // 7 chunks in batches of 3: three requests.
    expect(server.requests.map((request) => (request.body.input as string[]).length)).toEqual([3, 3, 1]);
    const tokens = server.requests.flatMap((request) => request.body.input as string[]).reduce((sum, text) => sum + Math.ceil(text.length / 4), 0);
    // One event per billed call, summed exactly in SQL.
    const [total] = await db
      .select({ cost: sql<string>`sum(${costEvents.costUsd})::text`, tokens: sql<number>`sum(${costEvents.inputTokens})::int`, events: sql<number>`count(*)::int` })
      .from(costEvents)
      .where(and(eq(costEvents.tenantId, tenantId), eq(costEvents.service, 'embedding'), eq(costEvents.provider, 'openai')));
    expect(total).toEqual({ cost: (tokens * 0.02 / 1_000_000).toFixed(8), tokens, events: 3 });
    const chunks = await db.select({ model: knowledgeChunks.embeddingModel }).from(knowledgeChunks).where(eq(knowledgeChunks.documentId, document.id));
    expect(new Set(chunks.map((chunk) => chunk.model))).toEqual(new Set(['text-embedding-3-small']));
  });

  it('builds the configured provider from the environment', () => {
    const compatible = configuredEmbedder({ ...process.env, EMBEDDING_PROVIDER: 'openai-compatible', EMBEDDING_BASE_URL: server.baseURL, EMBEDDING_MODEL: 'nomic-embed-text' } as never);
    expect(compatible).toMatchObject({ provider: 'openai-compatible', model: 'nomic-embed-text', lexical: false, billed: true });
    expect(configuredEmbedder({} as never)).toMatchObject({ provider: 'local', lexical: true, billed: false });
    expect(() => configuredEmbedder({ EMBEDDING_PROVIDER: 'openai' } as never)).toThrow('OPENAI_API_KEY');
  });
});
