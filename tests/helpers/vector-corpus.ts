import { expect } from 'vitest';
import { corpusGenerator } from '@/bench/knowledge';
import type { Database } from '@/db/client';
import { createDocument } from '@/db/queries/knowledge';
import { knowledgeChunks } from '@/db/schema';
import { scopeToTenant } from '@/db/withTenant';
import { localEmbedder } from '@/lib/knowledge/embedders';
import { embedLocally } from '@/lib/knowledge/local-embedder';
import type { VectorCandidate } from '@/lib/knowledge/vector-search';

/** A ready document of `count` synthetic chunks (Zipf vocabulary, local embeddings), all pending for the graph. */
export async function addVectorCorpus(db: Database, tenantId: string, count: number, seed: number): Promise<string[]> {
  const generator = corpusGenerator(seed);
  const contents = Array.from({ length: count }, () => generator.paragraph());
  await scopeToTenant(db, tenantId, async (tx) => {
    const document = await createDocument(tx, {
      tenantId,
      title: `Corpus ${seed}`,
      sourceType: 'text',
      status: 'ready',
      chunkCount: count,
      embeddingModel: localEmbedder.model,
    });
    await tx.insert(knowledgeChunks).values(
      contents.map((content, position) => ({
        tenantId,
        documentId: document.id,
        position,
        content,
        tokenCount: 1,
        embedding: embedLocally(content),
        embeddingModel: localEmbedder.model,
      })),
    );
  });
  return contents;
}

/** Questions as a visitor would paraphrase a chunk: five consecutive words of it. */
export function queriesFrom(contents: string[], count: number): string[] {
  const generator = corpusGenerator(99);
  return Array.from({ length: count }, () => {
    const words = contents[Math.floor(generator.random() * contents.length)]!.split(' ');
    const start = Math.floor(generator.random() * Math.max(1, words.length - 5));
    return words.slice(start, start + 5).join(' ').replace(/\./g, '');
  });
}

export const vectorRequest = (tenantId: string, text: string, limit = 20) => ({
  tenantId,
  vector: embedLocally(text),
  embeddingModel: localEmbedder.model,
  limit,
});

/** The same neighbours: equal distances, and equal ids except where a tie straddles the cut. */
export function expectSameNeighbours(actual: VectorCandidate[], expected: VectorCandidate[]) {
  expect(actual.map((c) => c.distance)).toEqual(expected.map((c) => c.distance));
  const last = expected.at(-1)?.distance ?? 0;
  const inside = (list: VectorCandidate[]) => list.filter((c) => c.distance < last).map((c) => c.id);
  expect(inside(actual)).toEqual(inside(expected));
}
