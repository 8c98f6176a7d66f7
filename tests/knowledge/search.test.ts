import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeDatabase, type Database, getDatabase } from '@/db/client';
import { createDocument } from '@/db/queries/knowledge';
import { withTenantId } from '@/db/withTenant';
import { localEmbedder } from '@/lib/knowledge/embedders';
import { ingestDocument } from '@/lib/knowledge/ingest';
import { hybridSearch, lexicalCandidates, type SearchFilters } from '@/lib/knowledge/search';
import { embedLocally } from '@/lib/knowledge/local-embedder';
import { knowledgeChunks, knowledgeDocuments } from '@/db/schema';
import { createTeam } from '../helpers/team';

describe('hybrid search', () => {
  let db: Database;
  let tenantA: string;
  let tenantB: string;

  async function addDocument(tenantId: string, title: string, content: string, extra: { category?: string; tags?: string[] } = {}) {
    const document = await withTenantId(tenantId, (tx) =>
      createDocument(tx, { tenantId, title, content, sourceType: 'text', sizeBytes: content.length, ...extra }),
    );
    expect(await ingestDocument(tenantId, document.id, localEmbedder)).toMatchObject({ status: 'ready' });
    return document.id;
  }

  const search = (tenantId: string, text: string, filters: SearchFilters = {}) =>
    withTenantId(tenantId, async (tx) =>
      hybridSearch(tx, { tenantId, text, vector: (await localEmbedder.embed([text], 'query')).vectors[0]!, embeddingModel: localEmbedder.model, ...filters }),
    );

  beforeAll(async () => {
    ({ db } = await getDatabase());
    tenantA = (await createTeam(db, 'A')).tenantId;
    tenantB = (await createTeam(db, 'B')).tenantId;
    await addDocument(tenantA, 'Refund policy', '# Refunds\n\nRefunds are issued within 14 days of a return reaching the warehouse.', { category: 'billing', tags: ['policy'] });
    await addDocument(tenantA, 'Shipping', '# Shipping\n\nParcels ship from Rotterdam every weekday and arrive in two to four days.', { category: 'logistics', tags: ['policy', 'eu'] });
    await addDocument(tenantA, 'Support hours', '# Support\n\nThe support desk answers from 9 to 17, Monday to Friday.', { category: 'support' });
    await addDocument(tenantB, 'Secret refund rules', '# Refunds\n\nTenant B refunds are secret and issued within 3 days.', { category: 'billing' });
  });
  afterAll(closeDatabase);

  it('finds the passage that answers the question, with both ranks, their scores and a fused score', async () => {
    const [top] = await search(tenantA, 'how long do refunds take');
    expect(top).toMatchObject({ title: 'Refund policy', headingPath: ['Refunds'], vectorRank: 1, textRank: 1 });
    expect(top!.lexicalScore).toBeGreaterThan(0);
    expect(top!.vectorSimilarity).toBeGreaterThan(0.3);
    expect(top!.score).toBeGreaterThan(0);
  });

  it('finds a passage by a word that only its document title holds', async () => {
    const id = await addDocument(tenantA, 'Loyalty programme', 'Members collect one point per euro spent and redeem them at checkout.');
    const hits = await search(tenantA, 'loyalty');
    expect(hits[0]).toMatchObject({ documentId: id, title: 'Loyalty programme' });
    expect(hits[0]!.textRank).toBe(1);
  });

  it('keeps identifiers whole as well as split', async () => {
    await addDocument(tenantA, 'Streaming API', '# Events\n\nThe content_block_delta event carries a text delta. Send the X-Api-Key header with v2.1 clients.');
    await addDocument(tenantA, 'Editorial guide', '# Writing\n\nEvery content block needs a delta of review before it ships.');
    const whole = await search(tenantA, 'content_block_delta');
    expect(whole[0]!.title).toBe('Streaming API');
    const split = await search(tenantA, 'block delta');
    expect(split.map((hit) => hit.title)).toEqual(expect.arrayContaining(['Streaming API', 'Editorial guide']));
    const version = await search(tenantA, 'what changed in 2.1');
    expect(version[0]!.title).toBe('Streaming API');
  });

  it('returns nothing for a question the knowledge does not cover', async () => {
    expect(await search(tenantA, 'what is the capital of France')).toEqual([]);
  });

  it("never returns another tenant's chunks", async () => {
    const hits = await search(tenantA, 'secret refunds issued within 3 days');
    expect(hits.length).toBeGreaterThan(0);
    expect(hits.every((hit) => hit.title !== 'Secret refund rules')).toBe(true);
    // Words from both tenants' documents: B's own refund passage must come back, A's shipping one never.
    const forB = await search(tenantB, 'refunds issued, parcels ship from Rotterdam');
    expect(forB.length).toBeGreaterThan(0);
    expect(forB.every((hit) => hit.title === 'Secret refund rules')).toBe(true);
  });

  it('honours websearch syntax: an excluded word removes a passage from the full-text list', async () => {
    const included = (await search(tenantA, 'refunds issued')).find((hit) => hit.title === 'Refund policy');
    expect(included?.textRank).toBe(1);
    const excluded = (await search(tenantA, 'refunds issued -warehouse')).find((hit) => hit.title === 'Refund policy');
    expect(excluded?.textRank ?? null).toBeNull();
  });

  it('filters by category and by tags', async () => {
    const logistics = await search(tenantA, 'refunds shipping support', { category: 'logistics' });
    expect(logistics.map((hit) => hit.title)).toEqual(['Shipping']);
    const tagged = await search(tenantA, 'refunds shipping support', { tags: ['policy'] });
    expect(new Set(tagged.map((hit) => hit.title))).toEqual(new Set(['Refund policy', 'Shipping']));
    const both = await search(tenantA, 'refunds shipping support', { tags: ['policy', 'eu'] });
    expect(both.map((hit) => hit.title)).toEqual(['Shipping']);
  });

  it('still answers when the words only match lexically through the vector list', async () => {
    // "weekdays" is not in the text index as such, but shares character trigrams with "weekday".
    const hits = await search(tenantA, 'weekdays');
    expect(hits[0]?.title).toBe('Shipping');
  });

  // BM25 ranking in SQL. A tiny corpus with token counts set by hand, so the scores can be computed by hand:
  //   N = 3 chunks, counted as MIN_STATISTICS_CHUNKS = 100 for idf; average length (10 + 20 + 30) / 3 = 20,
  //   k1 = 1.2, b = 0.75.
  //   c1 (10 tokens): body "IPv6 addresses and IPv6 routes."     tf(ipv6) = 2, tf(rout) = 1
  //   c2 (20 tokens): heading "Routes" (weight 2) + body "Routes…" tf(rout) = 2 + 1 = 3
  //   c3 (30 tokens): "Invoices are sent daily."                   no match
  //   idf(ipv6) = ln(1 + (100 - 1 + 0.5) / (1 + 0.5)) = ln(67.333333) = 4.209655
  //   idf(rout) = ln(1 + (100 - 2 + 0.5) / (2 + 0.5)) = ln(40.4)      = 3.698830
  //   c1 = 4.209655 · 2·2.2 / (2 + 1.2·(0.25 + 0.75·10/20)) + 3.698830 · 1·2.2 / (1 + 1.2·0.625)
  //      = 4.209655 · 1.6 + 3.698830 · 1.257143 = 11.385406
  //   c2 = 3.698830 · 3·2.2 / (3 + 1.2·1) = 3.698830 · 1.571429 = 5.812447
  //   strength = score / (4.209655 + 3.698830): c1 1.439644, c2 0.734963
  it('matches hand-computed BM25 scores and strengths', async () => {
    const { db } = await getDatabase();
    const tenantId = (await createTeam(db, 'BM25')).tenantId;
    const ids = await withTenantId(tenantId, async (tx) => {
      const [network, billing] = await tx
        .insert(knowledgeDocuments)
        .values([
          { tenantId, title: 'Network guide', sourceType: 'text', status: 'ready', chunkCount: 2, tokenCount: 30 },
          { tenantId, title: 'Billing', sourceType: 'text', status: 'ready', chunkCount: 1, tokenCount: 30 },
        ])
        .returning();
      const chunk = (documentId: string, documentTitle: string, position: number, headingPath: string[], content: string, tokenCount: number) => ({
        tenantId, documentId, documentTitle, position, headingPath, content, tokenCount, embedding: embedLocally(content), embeddingModel: localEmbedder.model,
      });
      return tx
        .insert(knowledgeChunks)
        .values([
          chunk(network!.id, 'Network guide', 0, [], 'IPv6 addresses and IPv6 routes.', 10),
          chunk(network!.id, 'Network guide', 1, ['Routes'], 'Routes are announced.', 20),
          chunk(billing!.id, 'Billing', 0, [], 'Invoices are sent daily.', 30),
        ])
        .returning({ id: knowledgeChunks.id });
    });
    // The team fixture's own document has no chunks and counts nothing.
    const ranked = await withTenantId(tenantId, (tx) =>
      lexicalCandidates(tx, { tenantId, text: 'IPv6 routes', vector: [], embeddingModel: localEmbedder.model }),
    );
    expect(ranked.map((row) => row.id)).toEqual([ids[0]!.id, ids[1]!.id]);
    expect(ranked[0]!.score).toBeCloseTo(11.385406, 5);
    expect(ranked[1]!.score).toBeCloseTo(5.812447, 5);
    expect(ranked[0]!.strength).toBeCloseTo(1.439644, 5);
    expect(ranked[1]!.strength).toBeCloseTo(0.734963, 5);
  });
});
