import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeDatabase, type Database, getDatabase } from '@/db/client';
import { closeQueue } from '@/db/queue';
import { createTeam } from '../helpers/team';
import { article, gzip, sitemapIndexXml, sitemapXml, startWebsite, type Website } from '../helpers/website';
import { buildPdfWithBrokenPages } from '../knowledge/fixtures';
import { addSource, crawlSettings, documentsOf, pagesOf, syncNow, testRuntime } from './helpers';

// The crawl against a real local website: exactly the pages it should take, and none it should not.
describe('website and sitemap crawl', () => {
  let db: Database;
  let tenantId: string;
  let site: Website;

  beforeAll(async () => {
    ({ db } = await getDatabase());
    tenantId = (await createTeam(db)).tenantId;
    site = await startWebsite();
    const o = site.origin;
    site.robots = 'User-agent: *\nDisallow: /private\nCrawl-delay: 0.2\n\nUser-agent: OtherBot\nDisallow: /\n';
    site.pages.set('/', { body: article('Help centre', 'Welcome to the help centre for the Acme widget.', ['/a', '/b', '/private/secret', '/old-b', '/to-metadata', '/slow', '/copy-of-a', '/canonical-alias', '/gone', `http://localhost:${site.port}/elsewhere`, 'https://example.org/external', 'mailto:help@example.com', '/a#section', '/a?utm_source=newsletter', '/deep/1']), etag: true });
    site.pages.set('/a', { body: article('Shipping', 'Orders ship within two business days from the Rotterdam warehouse.', ['/']), etag: true });
    site.pages.set('/copy-of-a', { body: article('Shipping', 'Orders ship within two business days from the Rotterdam warehouse.', ['/']) });
    site.pages.set('/b', { body: article('Returns', 'Returns are accepted for forty-five days with the original receipt.'), lastModified: new Date('2026-01-02T03:04:05Z') });
    site.pages.set('/old-b', { redirect: '/b-new' });
    site.pages.set('/b-new', { body: article('Returns moved', 'The returns desk moved to the second floor of the Utrecht office.') });
    site.pages.set('/to-metadata', { redirect: 'http://169.254.169.254/latest/meta-data/', status: 302 });
    site.pages.set('/slow', { body: article('Slow page', 'This page answers too late.'), delayMs: 6000 });
    site.pages.set('/canonical-alias', { body: article('Warranty', 'The warranty covers two years of normal use.', [], `<link rel="canonical" href="${o}/warranty">`) });
    site.pages.set('/warranty', { body: article('Warranty', 'The warranty covers two years of normal use.') });
    site.pages.set('/private/secret', { body: article('Secret', 'Nobody may crawl this.') });
    site.pages.set('/deep/1', { body: article('Deep one', 'First level of the deep section.', ['/deep/2']) });
    site.pages.set('/deep/2', { body: article('Deep two', 'Second level of the deep section.', ['/deep/3']) });
    site.pages.set('/deep/3', { body: article('Deep three', 'Third level of the deep section.') });
  });
  afterAll(async () => {
    await site.close();
    await closeQueue();
    await closeDatabase();
  });

  it('takes the pages a polite same-site crawl should, and explains every one it did not', async () => {
    const source = await addSource(tenantId, { kind: 'website', url: `${site.origin}/`, crawl: crawlSettings({ maxDepth: 2 }) });
    const sync = await syncNow(tenantId, source.id, testRuntime({ limits: { maxBytes: 1_048_576, timeoutMs: 1500, maxRedirects: 3, allowedHosts: ['127.0.0.1:*'] } }));
    expect(sync.status).toBe('done');
    const pages = await pagesOf(db, source.id);
    const documents = await documentsOf(db, source.id);
    const paths = documents.map((document) => new URL(document.sourceUrl!).pathname).sort();
    // /a and /copy-of-a carry the same text: whichever is read first is indexed, once.
    const shipping: string[] = paths.filter((path) => path === '/a' || path === '/copy-of-a');
    expect(shipping).toHaveLength(1);
    expect(paths.filter((path) => !shipping.includes(path))).toEqual(['/', '/b', '/b-new', '/deep/1', '/deep/2', '/warranty']);
    expect(documents.every((document) => document.status === 'ready' && document.chunkCount > 0)).toBe(true);

    // robots.txt: the disallowed page is never requested.
    expect(site.hits('/private/secret')).toBe(0);
    expect(pages.get('/private/secret')).toMatchObject({ status: 'excluded', statusReason: 'Disallowed by robots.txt.' });
    // Redirects are followed to the page's real address; a redirect to a private address is refused by the SSRF guard.
    expect(pages.get('/old-b')).toMatchObject({ status: 'duplicate', statusReason: expect.stringContaining('Redirects to') });
    expect(pages.get('/to-metadata')).toMatchObject({ status: 'failed', statusReason: expect.stringMatching(/private or local network/) });
    // A slow page fails with the timeout; the rest of the crawl goes on.
    expect(pages.get('/slow')).toMatchObject({ status: 'failed', statusReason: expect.stringMatching(/did not load within/) });
    // Identical text is indexed once; a canonical link points at the page to index.
    const copy = shipping[0] === '/a' ? '/copy-of-a' : '/a';
    expect(pages.get(copy)).toMatchObject({ status: 'duplicate', statusReason: expect.stringContaining('Same text as') });
    expect(pages.get('/canonical-alias')).toMatchObject({ status: 'duplicate', statusReason: expect.stringContaining('canonical address') });
    // Depth cap: /deep/3 is three links from the start page.
    expect(pages.has('/deep/3')).toBe(false);
    expect(site.hits('/deep/3')).toBe(0);
    // Other hosts (even this machine under another name) and fragments/tracking variants are not separate pages.
    expect([...pages.keys()].some((path) => path.includes('elsewhere') || path.includes('external'))).toBe(false);
    expect(site.hits('/a?utm_source=newsletter')).toBe(0);
    expect(site.hits('/a')).toBe(1);
    expect(site.hits('/gone')).toBe(1);
    expect(pages.get('/gone')).toMatchObject({ status: 'missing' });

    // Crawl-delay 0.2 s: one request at a time, started the delay apart (a redirect's next
    // hop belongs to the same fetch).
    const fetches = site.requests.filter((request) => request.path !== '/robots.txt');
    const gaps = fetches.slice(1).flatMap((request, i) => (fetches[i]!.status >= 300 && fetches[i]!.status < 400 ? [] : [request.at - fetches[i]!.at]));
    // Measured on arrival, so a loaded machine's network jitter moves single gaps; the spacing holds on average.
    expect(gaps.reduce((sum, gap) => sum + gap, 0) / gaps.length).toBeGreaterThanOrEqual(195);
    expect(sync).toMatchObject({ pagesNew: 7, pagesFailed: 2, truncated: false });
  });

  it('reads a sitemap index with a gzipped child, within the site and the patterns', async () => {
    const o = site.origin;
    site.pages.set('/sitemap_index.xml', { body: sitemapIndexXml([`${o}/sitemap-docs.xml`, `${o}/sitemap-blog.xml.gz`]), contentType: 'application/xml' });
    site.pages.set('/sitemap-docs.xml', { body: sitemapXml([`${o}/docs/install`, `${o}/docs/configure`, 'https://example.org/not-ours', `${o}/private/hidden`]), contentType: 'application/xml' });
    site.pages.set('/sitemap-blog.xml.gz', { body: gzip(sitemapXml([`${o}/blog/launch`, `${o}/blog/drafts/wip`])), contentType: 'application/gzip' });
    for (const [path, title] of [['/docs/install', 'Installing'], ['/docs/configure', 'Configuring'], ['/blog/launch', 'Launch'], ['/blog/drafts/wip', 'Draft']] as const) {
      site.pages.set(path, { body: article(title, `${title} the Acme widget takes about ten minutes on a normal day.`) });
    }
    const source = await addSource(tenantId, { kind: 'sitemap', url: `${o}/sitemap_index.xml`, crawl: crawlSettings({ exclude: ['/blog/drafts/*'] }) });
    const sync = await syncNow(tenantId, source.id);
    expect(sync).toMatchObject({ status: 'done', pagesNew: 3 });
    const documents = await documentsOf(db, source.id);
    expect(documents.map((document) => new URL(document.sourceUrl!).pathname).sort()).toEqual(['/blog/launch', '/docs/configure', '/docs/install']);
    expect(site.hits('/private/hidden')).toBe(0);
    expect(site.hits('/blog/drafts/wip')).toBe(0);
  });

  // Fifty pages through the whole ingestion pipeline: about 30–45 s on the 2-core reference machine.
  it('stops at the page cap: exactly 50 pages of a larger site', { timeout: 180_000 }, async () => {
    const capped = await startWebsite();
    try {
      const links = Array.from({ length: 80 }, (_, i) => `/p/${i + 1}`);
      capped.pages.set('/', { body: article('Index', 'All the pages of the catalogue.', links) });
      for (const link of links) capped.pages.set(link, { body: article(`Product ${link}`, `Product ${link} is a sturdy widget with its own manual page ${link}.`) });
      const source = await addSource(tenantId, { kind: 'website', url: `${capped.origin}/`, crawl: crawlSettings({ maxPages: 50 }) });
      const sync = await syncNow(tenantId, source.id);
      expect(sync).toMatchObject({ status: 'done', pagesFound: 50, pagesNew: 50, truncated: true });
      expect(await documentsOf(db, source.id)).toHaveLength(50);
      expect(capped.requests.filter((request) => request.path.startsWith('/p/'))).toHaveLength(49);
    } finally {
      await capped.close();
    }
  });

  it('follows include patterns from a start page outside them', async () => {
    const source = await addSource(tenantId, { kind: 'website', url: `${site.origin}/`, crawl: crawlSettings({ include: ['/deep/*'], maxDepth: 3 }) });
    const sync = await syncNow(tenantId, source.id);
    expect(sync.status).toBe('done');
    const documents = await documentsOf(db, source.id);
    expect(documents.map((document) => new URL(document.sourceUrl!).pathname).sort()).toEqual(['/deep/1', '/deep/2', '/deep/3']);
  });

  it('indexes a linked PDF without the pages it cannot read, and says which', async () => {
    const pdf = Buffer.from(buildPdfWithBrokenPages(['Oil the widget twice a year.', 'Broken page.', 'The warranty lasts two years.'], [2]));
    site.pages.set('/manual.pdf', { body: pdf, contentType: 'application/pdf' });
    const source = await addSource(tenantId, { kind: 'page', url: `${site.origin}/manual.pdf` });
    expect((await syncNow(tenantId, source.id)).status).toBe('done');
    expect((await pagesOf(db, source.id)).get('/manual.pdf')).toMatchObject({ status: 'active', statusReason: 'Page 2 could not be read and was skipped.' });
    const [document] = await documentsOf(db, source.id);
    expect(document).toMatchObject({ status: 'ready' });
    expect(document!.content).toContain('The warranty lasts two years.');
  });

  it('fails a sync whose sitemap is not a sitemap, with the reason', async () => {
    const source = await addSource(tenantId, { kind: 'sitemap', url: `${site.origin}/a` });
    const sync = await syncNow(tenantId, source.id);
    expect(sync).toMatchObject({ status: 'failed', statusReason: expect.stringContaining('not a sitemap') });
  });
});
