import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeDatabase, type Database, getDatabase } from '@/db/client';
import { createDocument } from '@/db/queries/knowledge';
import { withTenantId } from '@/db/withTenant';
import { localEmbedder } from '@/lib/knowledge/embedders';
import { ingestDocument } from '@/lib/knowledge/ingest';
import { fuseRanks, hybridSearch, type SearchFilters } from '@/lib/knowledge/search';
import { createTeam } from '../helpers/team';

describe('reciprocal rank fusion', () => {
  it('ranks an item found by both lists above items found by one, by rank not by score scale', () => {
    const fused = fuseRanks([
      ['a', 'b', 'c'],
      ['c', 'd', 'a'],
    ]);
    // a: 1/61 + 1/63, c: 1/63 + 1/61 (tie, broken by id), b: 1/62, d: 1/62
    expect(fused.map((hit) => hit.id)).toEqual(['a', 'c', 'b', 'd']);
    expect(fused[0]!.score).toBeCloseTo(1 / 61 + 1 / 63, 12);
    expect(fused.find((hit) => hit.id === 'b')!.ranks).toEqual([2, null]);
  });
});

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

  it('finds the passage that answers the question, with both ranks and a fused score', async () => {
    const [top] = await search(tenantA, 'how long do refunds take');
    expect(top).toMatchObject({ title: 'Refund policy', headingPath: ['Refunds'] });
    expect(top!.vectorRank).toBe(1);
    expect(top!.textRank).toBe(1);
    expect(top!.score).toBeCloseTo(2 / 61, 12);
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
});

