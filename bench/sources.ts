// Source sync benchmark: a local website of 1,000 pages (a quarter answer with ETag, a quarter
// with Last-Modified, half with neither, so their text hash decides), crawled and indexed
// with the local embedder on embedded PGlite, then re-synced unchanged and with 1% changed.
import { performance } from 'node:perf_hooks';
import type { Database } from '../db/client';
import { createSource, createSync } from '../db/queries/sources';
import { tenants } from '../db/schema';
import { withTenantId } from '../db/withTenant';
import { localEmbedder } from '../lib/knowledge/embedders';
import { runSync, type SyncRuntime } from '../lib/sources/sync';
import { article, startWebsite } from '../tests/helpers/website';

const PAGES = 1000;

export async function benchSources(db: Database) {
  console.log(`\n## Source sync (local website of ${PAGES} pages, local embedder, embedded PGlite)`);
  const site = await startWebsite();
  const links = Array.from({ length: PAGES - 1 }, (_, i) => `/articles/${i + 1}`);
  site.pages.set('/', { body: article('Help centre', 'Every article of the help centre.', links), etag: true });
  const body = (i: number, revision = 1) =>
    article(`Article ${i}`, `Article ${i} (revision ${revision}) explains how widget model ${i} is installed, calibrated and cleaned, and what its warranty covers in ${2 + (i % 5)} years.`);
  links.forEach((link, i) => {
    site.pages.set(link, { body: body(i), etag: i % 4 === 0, lastModified: i % 4 === 1 ? new Date('2026-01-01T00:00:00Z') : undefined });
  });
  const [tenant] = await db.insert(tenants).values({ name: 'Bench', publishableKey: `pk_bench_${Date.now()}` }).returning();
  const tenantId = tenant!.id;
  const runtime: SyncRuntime = {
    embedder: localEmbedder,
    limits: { maxBytes: 1_048_576, timeoutMs: 30_000, maxRedirects: 3, allowedHosts: ['127.0.0.1:*'] },
    hostConcurrency: 4,
    stalledSeconds: 600,
    heartbeatMs: 60_000,
  };
  const source = await withTenantId(tenantId, (tx) =>
    createSource(tx, { tenantId, name: 'Bench site', kind: 'website', url: `${site.origin}/`, crawl: { sameSite: true, include: [], exclude: [], maxPages: PAGES, maxDepth: 2 } }),
  );
  const sync = async (label: string) => {
    const created = await withTenantId(tenantId, (tx) => createSync(tx, { tenantId, sourceId: source.id, trigger: 'manual' }));
    const requestsBefore = site.requests.length;
    const started = performance.now();
    const outcome = await runSync(tenantId, created!.id, runtime);
    const seconds = (performance.now() - started) / 1000;
    if (outcome.status === 'skipped') throw new Error('sync not claimed');
    const s = outcome.sync;
    const answered304 = site.requests.slice(requestsBefore).filter((request) => request.status === 304).length;
    console.log(
      `${label.padEnd(34)} ${seconds.toFixed(1).padStart(6)} s  ${(s.pagesDone / seconds).toFixed(0).padStart(5)} pages/s   new ${s.pagesNew}, changed ${s.pagesChanged}, unchanged ${s.pagesUnchanged} (${answered304} by 304), failed ${s.pagesFailed}`,
    );
    return seconds;
  };
  try {
    const first = await sync('first sync (crawl + index)');
    const unchanged = await sync('re-sync, nothing changed');
    links.slice(0, PAGES / 100).forEach((link, i) => {
      const page = site.pages.get(link)!;
      site.pages.set(link, { ...page, body: body(i, 2), lastModified: page.lastModified && new Date('2026-02-01T00:00:00Z') });
    });
    const changed = await sync('re-sync, 1% of pages changed');
    console.log(`unchanged re-sync / first sync: ${(unchanged / first).toFixed(3)}   1%-changed re-sync / first sync: ${(changed / first).toFixed(3)}`);
  } finally {
    await site.close();
  }
}
