import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeDatabase, type Database, getDatabase } from '@/db/client';
import { closeQueue } from '@/db/queue';
import { costEvents, knowledgeChunks, knowledgeDocuments, sources } from '@/db/schema';
import { createTeam } from '../helpers/team';
import { article, sitemapXml, startWebsite, type Website } from '../helpers/website';
import { addSource, chunksOf, countingEmbedder, documentsOf, pagesOf, syncNow, testRuntime } from './helpers';

// Re-syncs: unchanged pages cost nothing, a changed page gets exactly one new set of chunks,
// a page that is gone is retired after two misses in a row.
describe('re-sync', () => {
  let db: Database;
  let tenantId: string;
  let site: Website;
  const embedder = countingEmbedder();
  const runtime = testRuntime({ embedder });

  const costCount = async () => (await db.select().from(costEvents).where(eq(costEvents.tenantId, tenantId))).length;
  const allChunks = async (sourceId: string) => {
    const documents = await documentsOf(db, sourceId);
    const chunks = [];
    for (const document of documents) chunks.push(...(await chunksOf(db, document.id)));
    return chunks;
  };

  beforeAll(async () => {
    ({ db } = await getDatabase());
    tenantId = (await createTeam(db)).tenantId;
    site = await startWebsite();
    site.pages.set('/', { body: article('Docs home', 'Start here to learn the Acme widget.', ['/etag', '/modified', '/plain', '/leaving']), etag: true });
    // One page per validator kind: ETag, Last-Modified, and neither (hash only).
    site.pages.set('/etag', { body: article('Opening hours', 'The support desk is open from nine to five on weekdays.'), etag: true });
    site.pages.set('/modified', { body: article('Pricing', 'The basic plan costs twelve euros per seat per month.'), lastModified: new Date('2026-03-01T10:00:00Z') });
    site.pages.set('/plain', { body: article('Security', 'All data is encrypted at rest with AES-256.') });
    site.pages.set('/leaving', { body: article('Legacy API', 'The legacy API will be switched off next spring.') });
  });
  afterAll(async () => {
    await site.close();
    await closeQueue();
    await closeDatabase();
  });

  it('re-syncs unchanged pages without new chunks, embeddings or cost events', async () => {
    const source = await addSource(tenantId, { kind: 'website', url: `${site.origin}/` });
    const first = await syncNow(tenantId, source.id, runtime);
    expect(first).toMatchObject({ status: 'done', pagesNew: 5 });
    const chunksBefore = (await allChunks(source.id)).map((chunk) => chunk.id).sort();
    const costsBefore = await costCount();
    expect(costsBefore).toBeGreaterThan(0);
    const calls = embedder.calls;

    const second = await syncNow(tenantId, source.id, runtime);
    expect(second).toMatchObject({ status: 'done', pagesUnchanged: 5, pagesNew: 0, pagesChanged: 0 });
    expect(embedder.calls).toBe(calls);
    expect(await costCount()).toBe(costsBefore);
    expect((await allChunks(source.id)).map((chunk) => chunk.id).sort()).toEqual(chunksBefore);
    // The validators were sent back: ETag and Last-Modified pages answered 304.
    const conditional = site.requests.slice(-6).filter((request) => request.status === 304).map((request) => request.path).sort();
    expect(conditional).toEqual(['/', '/etag', '/modified']);
  });

  it('re-indexes a changed page into exactly one new set of chunks, and only that page', async () => {
    const [source] = await pagesSourceRows();
    const documents = await documentsOf(db, source!.id);
    const plain = documents.find((document) => document.sourceUrl!.endsWith('/plain'))!;
    const others = documents.filter((document) => document.id !== plain.id);
    const otherChunks = (await Promise.all(others.map((document) => chunksOf(db, document.id)))).flat().map((chunk) => chunk.id).sort();
    const costsBefore = await costCount();

    site.pages.set('/plain', { body: article('Security', 'All data is encrypted at rest with AES-256 and in transit with TLS 1.3.') });
    const sync = await syncNow(tenantId, source!.id, runtime);
    expect(sync).toMatchObject({ status: 'done', pagesChanged: 1, pagesUnchanged: 4 });

    const chunks = await chunksOf(db, plain.id);
    expect(chunks.length).toBeGreaterThan(0);
    expect(new Set(chunks.map((chunk) => chunk.position)).size).toBe(chunks.length);
    expect(chunks.some((chunk) => chunk.content.includes('TLS 1.3'))).toBe(true);
    const [document] = await db.select().from(knowledgeDocuments).where(eq(knowledgeDocuments.id, plain.id));
    expect(document).toMatchObject({ status: 'ready', chunkCount: chunks.length });
    // The other pages kept their chunks; one embedding call was billed for the change.
    expect((await Promise.all(others.map((other) => chunksOf(db, other.id)))).flat().map((chunk) => chunk.id).sort()).toEqual(otherChunks);
    expect(await costCount()).toBe(costsBefore + 1);
  });

  it('retires a page that is gone only after two syncs in a row miss it', async () => {
    const [source] = await pagesSourceRows();
    const leaving = (await documentsOf(db, source!.id)).find((document) => document.sourceUrl!.endsWith('/leaving'))!;
    site.pages.delete('/leaving');

    const firstMiss = await syncNow(tenantId, source!.id, runtime);
    expect(firstMiss).toMatchObject({ status: 'done', pagesRetired: 0 });
    expect((await pagesOf(db, source!.id)).get('/leaving')).toMatchObject({ status: 'missing', missCount: 1 });
    expect(await chunksOf(db, leaving.id)).not.toHaveLength(0);

    const secondMiss = await syncNow(tenantId, source!.id, runtime);
    expect(secondMiss).toMatchObject({ status: 'done', pagesRetired: 1 });
    expect((await pagesOf(db, source!.id)).get('/leaving')).toMatchObject({ status: 'retired', missCount: 2, documentId: null });
    expect(await db.select().from(knowledgeDocuments).where(eq(knowledgeDocuments.id, leaving.id))).toHaveLength(0);
    expect(await db.select().from(knowledgeChunks).where(eq(knowledgeChunks.documentId, leaving.id))).toHaveLength(0);
  });

  it('counts a page back when it returns between two misses', async () => {
    const sitemapSite = await startWebsite();
    try {
      const o = sitemapSite.origin;
      for (const path of ['/one', '/two']) sitemapSite.pages.set(path, { body: article(`Page ${path}`, `The text of page ${path} about the Acme widget.`) });
      sitemapSite.pages.set('/sitemap.xml', { body: sitemapXml([`${o}/one`, `${o}/two`]) });
      const source = await addSource(tenantId, { kind: 'sitemap', url: `${o}/sitemap.xml` });
      await syncNow(tenantId, source.id, runtime);
      // Dropped from the sitemap once, then listed again: the miss count starts over.
      sitemapSite.pages.set('/sitemap.xml', { body: sitemapXml([`${o}/one`]) });
      await syncNow(tenantId, source.id, runtime);
      expect((await pagesOf(db, source.id)).get('/two')).toMatchObject({ status: 'missing', missCount: 1 });
      sitemapSite.pages.set('/sitemap.xml', { body: sitemapXml([`${o}/one`, `${o}/two`]) });
      await syncNow(tenantId, source.id, runtime);
      expect((await pagesOf(db, source.id)).get('/two')).toMatchObject({ status: 'active', missCount: 0 });
      // Dropped twice in a row: retired.
      sitemapSite.pages.set('/sitemap.xml', { body: sitemapXml([`${o}/one`]) });
      await syncNow(tenantId, source.id, runtime);
      await syncNow(tenantId, source.id, runtime);
      expect((await pagesOf(db, source.id)).get('/two')).toMatchObject({ status: 'retired' });
      expect((await documentsOf(db, source.id)).map((document) => new URL(document.sourceUrl!).pathname)).toEqual(['/one']);
    } finally {
      await sitemapSite.close();
    }
  });

  function pagesSourceRows() {
    return db.select().from(sources).where(eq(sources.url, `${site.origin}/`));
  }
});
