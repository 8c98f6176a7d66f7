import 'server-only';
import { createHash } from 'node:crypto';
import { createDocument, deleteDocument, getDocument, updateDocument } from '@/db/queries/knowledge';
import {
  addSyncProgress,
  addToFrontier,
  claimSync,
  findPageWithHash,
  finishSync,
  frontierUrls,
  getSource,
  getSync,
  knownPages,
  nextFrontierPages,
  pagesMissedBySync,
  stageDocumentText,
  updatePage,
  updateSource,
  upsertPendingChange,
  type SyncCounters,
} from '@/db/queries/sources';
import type { Source, SourcePage, SourceSync } from '@/db/schema';
import { type Transaction, withTenantId } from '@/db/withTenant';
import { getEnv } from '@/lib/env';
import { configuredEmbedder, type Embedder } from '@/lib/knowledge/embedders';
import { ExtractionError, extractDocument, skippedPagesNote } from '@/lib/knowledge/extract';
import { type FetchedPage, type FetchLimits, fetchPage } from '@/lib/knowledge/fetch-url';
import { ingestDocument } from '@/lib/knowledge/ingest';
import { readPageSignals } from './html';
import { DEFAULT_HOST_CONCURRENCY, HostGate } from './politeness';
import { fetchRobots, type RobotsRules } from './robots';
import { readSitemap } from './sitemap';
import { isSameSite, normalizeUrl, pathFilter } from './urls';

// One sync of a source: discover its pages (start page and links, or sitemap), fetch each with
// a conditional request, compare the extracted text's hash, and re-index only what changed.
// Every step is written as it happens, so a sync whose worker dies is picked up by another
// and resumes where it stopped: finished pages are not fetched again, and a page caught
// mid-index is indexed again into the same document (its chunks are swapped, never added).

/** A gone page (404/410, dropped from the sitemap, no longer linked) is retired after this many syncs in a row miss it. */
export const MISSES_BEFORE_RETIREMENT = 2;

/** A running sync whose heartbeat is older than this is taken to have lost its worker. */
export const SYNC_STALLED_SECONDS = 120;

/** Pages worked on at once (across hosts; HostGate keeps each host polite). */
export const SYNC_PAGE_CONCURRENCY = 4;

export type SyncRuntime = {
  embedder: Embedder;
  limits: FetchLimits;
  hostConcurrency: number;
  stalledSeconds: number;
  heartbeatMs: number;
};

export function defaultSyncRuntime(): SyncRuntime {
  const env = getEnv();
  return {
    embedder: configuredEmbedder(),
    limits: {
      maxBytes: env.KNOWLEDGE_MAX_UPLOAD_MB * 1_048_576,
      timeoutMs: 15_000,
      maxRedirects: 5,
      allowedHosts: env.KNOWLEDGE_URL_ALLOWLIST.split(',').map((host) => host.trim().toLowerCase()).filter(Boolean),
    },
    hostConcurrency: DEFAULT_HOST_CONCURRENCY,
    stalledSeconds: SYNC_STALLED_SECONDS,
    heartbeatMs: 15_000,
  };
}

export type SyncOutcome = { status: 'done' | 'failed'; sync: SourceSync } | { status: 'skipped' };

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** Thrown for a problem with the source itself (its sitemap, its robots.txt): the sync fails with the reason, without retrying. */
class SourceProblem extends Error {}

export async function runSync(tenantId: string, syncId: string, runtime: SyncRuntime = defaultSyncRuntime()): Promise<SyncOutcome> {
  const claimed = await withTenantId(tenantId, async (tx) => {
    const sync = await claimSync(tx, tenantId, syncId, runtime.stalledSeconds);
    const source = sync && (await getSource(tx, tenantId, sync.sourceId));
    return sync && source ? { sync, source } : undefined;
  });
  if (!claimed) return { status: 'skipped' };
  const crawl = new Crawl(tenantId, claimed.source, claimed.sync, runtime);
  const heartbeat = setInterval(() => {
    void withTenantId(tenantId, (tx) => addSyncProgress(tx, tenantId, syncId, {})).catch(() => {});
  }, runtime.heartbeatMs);
  try {
    const reason = await crawl.run();
    const sync = await withTenantId(tenantId, async (tx) => {
      await updateSource(tx, tenantId, claimed.source.id, { lastSyncedAt: new Date() });
      return finishSync(tx, tenantId, syncId, { status: reason ? 'failed' : 'done', statusReason: reason ?? null });
    });
    return { status: reason ? 'failed' : 'done', sync: sync! };
  } catch (error) {
    if (!(error instanceof SourceProblem || error instanceof ExtractionError)) throw error;
    const sync = await withTenantId(tenantId, (tx) => finishSync(tx, tenantId, syncId, { status: 'failed', statusReason: error.message }));
    return { status: 'failed', sync: sync! };
  } finally {
    clearInterval(heartbeat);
  }
}

type PageResult = { counters: SyncCounters; problem?: string };

class Crawl {
  private readonly frontier = new Set<string>();
  private readonly robots = new Map<string, Promise<RobotsRules>>();
  private readonly allowedPath: (url: string) => boolean;
  private readonly gate: HostGate;
  private readonly delays = new Map<string, number>();
  // Which page of this run took which text: the check and the claim happen without an await
  // in between, so two pages with the same text fetched side by side cannot both be indexed.
  private readonly textOwners = new Map<string, string>();
  private truncated = false;
  private firstProblem: string | undefined;

  constructor(
    private readonly tenantId: string,
    private readonly source: Source,
    private readonly sync: SourceSync,
    private readonly runtime: SyncRuntime,
  ) {
    this.allowedPath = pathFilter(source.crawl.include, source.crawl.exclude);
    this.gate = new HostGate((host) => {
      const delay = this.delays.get(host);
      return delay ? { concurrency: 1, delayMs: delay * 1000 } : { concurrency: runtime.hostConcurrency, delayMs: 0 };
    });
  }

  private tx<T>(fn: (tx: Transaction) => Promise<T>) {
    return withTenantId(this.tenantId, fn);
  }

  private rulesFor(url: string): Promise<RobotsRules> {
    const { origin, host } = new URL(url);
    let rules = this.robots.get(origin);
    if (!rules) {
      rules = fetchRobots(origin, this.runtime.limits).then((found) => {
        if (found.crawlDelaySeconds) this.delays.set(host, found.crawlDelaySeconds);
        return found;
      });
      this.robots.set(origin, rules);
    }
    return rules;
  }

  /** Whether an address belongs to this source at all (site boundary and path patterns). */
  private inScope(url: string): boolean {
    if (this.source.crawl.sameSite && !isSameSite(url, this.source.url)) return false;
    return this.allowedPath(url);
  }

  /** Adds addresses to the frontier up to the page cap; the rest mark the sync as truncated. */
  private async enqueue(urls: string[], depth: number) {
    const fresh = [...new Set(urls)].filter((url) => !this.frontier.has(url));
    if (fresh.length === 0) return;
    const room = Math.max(0, this.source.crawl.maxPages - this.frontier.size);
    const taken = fresh.slice(0, room);
    if (taken.length < fresh.length) this.truncated = true;
    for (const url of taken) this.frontier.add(url);
    await this.tx(async (tx) => {
      await addToFrontier(tx, this.tenantId, this.source.id, this.sync.id, taken.map((url) => ({ url, depth })));
      await addSyncProgress(tx, this.tenantId, this.sync.id, {}, { pagesFound: this.frontier.size, ...(this.truncated ? { truncated: true } : {}) });
    });
  }

  /** Runs the crawl; returns a reason when the sync as a whole failed. */
  async run(): Promise<string | undefined> {
    const { source } = this;
    const start = normalizeUrl(source.url);
    if (!start) throw new SourceProblem('The source address is not a valid web address.');
    // Resuming: the pages this sync already found are its frontier, finished or not.
    for (const url of await this.tx((tx) => frontierUrls(tx, this.tenantId, source.id, this.sync.id))) this.frontier.add(url);
    if (this.sync.truncated) this.truncated = true;

    // robots.txt of the start origin must be readable before anything else is fetched.
    await this.rulesFor(start);
    if (source.kind === 'sitemap') {
      const sitemap = await readSitemap(start, this.runtime.limits, source.crawl.maxPages * 4);
      const rules = await this.rulesFor(start);
      const urls = sitemap.urls.filter((url) => this.inScope(url) && (!isSameSite(url, start) || rules.isAllowed(url)));
      await this.enqueue(urls, 0);
      if (urls.length === 0) throw new SourceProblem(sitemap.urls.length ? 'The sitemap lists no page that the patterns, the site boundary and robots.txt allow.' : 'The sitemap lists no pages.');
    } else {
      await this.enqueue([start], 0);
      // A page that answers 304 shows no links, so the pages it led to last time are visited
      // from what the source already holds; a gone one then answers 404 and is counted missing.
      if (source.kind === 'website') {
        const known = (await this.tx((tx) => knownPages(tx, this.tenantId, source.id))).filter((page) => this.inScope(page.url));
        for (const depth of [...new Set(known.map((page) => page.depth))].sort((a, b) => a - b)) {
          await this.enqueue(known.filter((page) => page.depth === depth).map((page) => page.url), depth);
        }
      }
    }

    for (;;) {
      const batch = await this.tx((tx) => nextFrontierPages(tx, this.tenantId, source.id, this.sync.id, SYNC_PAGE_CONCURRENCY * 2));
      if (batch.length === 0) break;
      await Promise.all(batch.map((page) => this.processPage(page, page.url === start)));
    }

    const summary = await this.tx((tx) => getSync(tx, this.tenantId, this.sync.id));
    const reached = (summary?.pagesNew ?? 0) + (summary?.pagesChanged ?? 0) + (summary?.pagesUnchanged ?? 0);
    // Only a complete view of the site may count pages as missing: not one cut by the page
    // cap, and not one where nothing could be read (the site is down, not empty).
    if (!this.truncated && reached > 0 && source.kind !== 'page') {
      const missed = await this.tx((tx) => pagesMissedBySync(tx, this.tenantId, source.id, this.sync.id));
      for (const page of missed) await this.recordMiss(page, source.kind === 'sitemap' ? 'No longer in the sitemap.' : 'No longer linked from the site.');
    }
    if (reached === 0 && (summary?.pagesFailed ?? 0) + (summary?.pagesSkipped ?? 0) > 0) return this.firstProblem ?? 'No page could be indexed.';
    return undefined;
  }

  private async processPage(page: SourcePage, isStart: boolean): Promise<void> {
    let result: PageResult;
    try {
      result = await this.fetchAndIndex(page, isStart);
    } catch (error) {
      if (!(error instanceof ExtractionError)) throw error;
      result = await this.finish(page, { status: 'failed', statusReason: error.message }, { pagesFailed: 1 });
      result.problem = error.message;
    }
    if (result.problem) this.firstProblem ??= `${page.url}: ${result.problem}`;
  }

  /** Marks the page finished for this sync, with the counters it adds, in one transaction. */
  private async finish(page: SourcePage, values: Partial<SourcePage>, counters: SyncCounters): Promise<PageResult> {
    await this.tx(async (tx) => {
      await updatePage(tx, this.tenantId, page.id, { ...values, checkedInSync: this.sync.id, lastCheckedAt: new Date() });
      await addSyncProgress(tx, this.tenantId, this.sync.id, { pagesDone: 1, ...counters });
    });
    return { counters };
  }

  private async fetchAndIndex(page: SourcePage, isStart: boolean): Promise<PageResult> {
    const rules = await this.rulesFor(page.url);
    if (!rules.isAllowed(page.url)) {
      return { ...(await this.finish(page, { status: 'excluded', statusReason: 'Disallowed by robots.txt.' }, { pagesSkipped: 1 })), problem: 'Disallowed by robots.txt.' };
    }
    const headers: Record<string, string> = {};
    // Conditional request: only when the page is indexed, so a 304 means "what we hold is current".
    if (page.documentId && page.contentHash) {
      if (page.etag) headers['if-none-match'] = page.etag;
      if (page.lastModified) headers['if-modified-since'] = page.lastModified;
    }
    const fetched: FetchedPage = await this.gate.run(new URL(page.url).host, () =>
      fetchPage(page.url, this.runtime.limits, { headers, passStatuses: [404, 410] }),
    );
    if (fetched.status === 304) return this.finish(page, { status: page.status === 'review' ? 'review' : 'active', statusReason: null, missCount: 0 }, { pagesUnchanged: 1 });
    if (fetched.status === 404 || fetched.status === 410) return this.recordMiss(page, `The site answered HTTP ${fetched.status}.`);

    const finalUrl = normalizeUrl(fetched.url) ?? page.url;
    const html = /html/i.test(fetched.contentType ?? '') || /^\s*</.test(fetched.bytes.subarray(0, 64).toString('utf8'));
    const signals = html ? readPageSignals(fetched.bytes.toString('utf8'), finalUrl) : undefined;

    // A redirect or a canonical link elsewhere: the page lives at that address instead.
    const canonical = signals?.canonical && signals.canonical !== page.url && this.inScope(signals.canonical) ? signals.canonical : undefined;
    const movedTo = finalUrl !== page.url ? finalUrl : canonical;
    if (movedTo && this.inScope(movedTo)) {
      await this.enqueue([movedTo], page.depth);
      return this.recordMiss(page, finalUrl !== page.url ? `Redirects to ${movedTo}.` : `Its canonical address is ${movedTo}.`, 'duplicate');
    }

    if (signals && !signals.nofollow && this.source.kind === 'website' && page.depth < this.source.crawl.maxDepth) {
      await this.enqueue(signals.links.filter((url) => this.inScope(url)), page.depth + 1);
    }
    if (signals?.noindex) return this.finish(page, { status: 'excluded', statusReason: 'The page asks not to be indexed (meta robots noindex).' }, { pagesSkipped: 1 });
    // A start page outside the include patterns is read for its links only.
    if (isStart && !this.allowedPath(page.url)) return this.finish(page, { status: 'excluded', statusReason: 'Outside the include patterns (read for links only).' }, { pagesSkipped: 1 });

    let extracted;
    try {
      extracted = await extractDocument(fetched.bytes, new URL(finalUrl).pathname.split('/').pop() ?? '');
    } catch (error) {
      if (!(error instanceof ExtractionError)) throw error;
      return this.finish(page, { status: 'excluded', statusReason: error.message }, { pagesSkipped: 1 });
    }
    const contentHash = sha256(extracted.text);
    const title = (extracted.title || finalUrl).slice(0, 200);
    // A PDF some of whose pages could not be read is indexed without them, and says so.
    const note = extracted.skippedPages ? skippedPagesNote(extracted.skippedPages) : null;
    const validators = { etag: fetched.headers.etag ?? null, lastModified: fetched.headers['last-modified'] ?? null };

    if (page.documentId && contentHash === page.contentHash) {
      return this.finish(page, { ...validators, status: page.status === 'review' ? 'review' : 'active', statusReason: note, missCount: 0, title }, { pagesUnchanged: 1 });
    }
    if (contentHash === page.rejectedHash) {
      return this.finish(page, { status: page.documentId ? 'active' : 'excluded', statusReason: 'This version was rejected in review.', missCount: 0 }, { pagesUnchanged: 1 });
    }
    const owner = this.textOwners.get(contentHash);
    if (owner && owner !== page.url) return this.recordMiss(page, `Same text as ${owner}.`, 'duplicate');
    this.textOwners.set(contentHash, page.url);
    const twin = await this.tx((tx) => findPageWithHash(tx, this.tenantId, this.source.id, contentHash, page.id));
    if (twin) return this.recordMiss(page, `Same text as ${twin.url}.`, 'duplicate');

    const kind = page.documentId ? 'changed' : 'new';
    const counters: SyncCounters = kind === 'changed' ? { pagesChanged: 1 } : { pagesNew: 1 };
    if (this.source.reviewChanges) {
      await this.tx((tx) =>
        upsertPendingChange(tx, { tenantId: this.tenantId, sourceId: this.source.id, pageId: page.id, kind, url: page.url, title, content: extracted.text, contentHash, ...validators }),
      );
      return this.finish(page, { status: 'review', statusReason: `A ${kind === 'new' ? 'new page' : 'change'} is waiting for review.`, missCount: 0, title }, counters);
    }

    const documentId = await this.tx((tx) => indexTarget(tx, this.tenantId, this.source, page, { title, url: page.url, text: extracted.text }));
    const outcome = await ingestDocument(this.tenantId, documentId, this.runtime.embedder);
    if (outcome.status === 'failed') return { ...(await this.finish(page, { status: 'failed', statusReason: outcome.reason }, { pagesFailed: 1 })), problem: outcome.reason };
    return this.finish(page, { ...validators, contentHash, documentId, status: 'active', statusReason: note, missCount: 0, title, lastChangedAt: new Date() }, counters);
  }

  /**
   * A page that is gone, moved or a copy of another: counted as a miss; at the second miss in
   * a row its document is retired (or a removal waits for review).
   */
  private async recordMiss(page: SourcePage, reason: string, status: 'missing' | 'duplicate' = 'missing'): Promise<PageResult> {
    const misses = page.missCount + 1;
    if (!page.documentId) return this.finish(page, { status, statusReason: reason, missCount: misses }, { pagesSkipped: 1 });
    if (misses < MISSES_BEFORE_RETIREMENT) {
      return this.finish(page, { status, statusReason: `${reason} Retired if the next sync misses it too.`, missCount: misses }, { pagesSkipped: 1 });
    }
    if (this.source.reviewChanges) {
      await this.tx((tx) =>
        upsertPendingChange(tx, { tenantId: this.tenantId, sourceId: this.source.id, pageId: page.id, kind: 'removed', url: page.url, title: page.title, content: null, contentHash: null, etag: null, lastModified: null }),
      );
      return this.finish(page, { status: 'review', statusReason: `${reason} Its removal is waiting for review.`, missCount: misses }, { pagesRetired: 1 });
    }
    await this.tx(async (tx) => {
      await deleteDocument(tx, this.tenantId, page.documentId!);
      await updatePage(tx, this.tenantId, page.id, { documentId: null, contentHash: null, etag: null, lastModified: null });
    });
    return this.finish(page, { status: status === 'duplicate' ? 'duplicate' : 'retired', statusReason: reason, missCount: misses, documentId: null }, { pagesRetired: 1 });
  }
}

/**
 * The document a page's new text goes into, staged for indexing: its own document when it has
 * one (re-indexed in place, the old chunks searchable until the new set is swapped in), or a
 * new one linked to the page in the same transaction, so a crash cannot leave a twin.
 */
export async function indexTarget(
  tx: Transaction,
  tenantId: string,
  source: Source,
  page: Pick<SourcePage, 'id' | 'documentId'>,
  content: { title: string; url: string; text: string },
): Promise<string> {
  const bytes = Buffer.from(content.text, 'utf8');
  const existing = page.documentId ? await getDocument(tx, tenantId, page.documentId) : undefined;
  let documentId: string;
  if (existing) {
    documentId = existing.id;
    await updateDocument(tx, tenantId, documentId, { title: content.title, sourceUrl: content.url, sizeBytes: bytes.length, status: 'queued', progress: 0, statusReason: null });
  } else {
    const document = await createDocument(tx, {
      tenantId,
      title: content.title,
      sourceType: 'url',
      sourceUrl: content.url,
      sourceId: source.id,
      category: source.category,
      tags: source.tags,
      sizeBytes: bytes.length,
    });
    documentId = document.id;
    await updatePage(tx, tenantId, page.id, { documentId });
  }
  await stageDocumentText(tx, tenantId, documentId, bytes);
  return documentId;
}
