import 'server-only';
import { and, asc, count, desc, eq, inArray, isNull, ne, or, type SQL, sql } from 'drizzle-orm';
import type { Transaction } from '../client';
import {
  knowledgeDocuments,
  knowledgeSources,
  type NewSource,
  type Source,
  type SourceChange,
  sourceChanges,
  type SourcePage,
  sourcePages,
  type SourceSync,
  sourceSyncs,
  sources,
} from '../schema';

// ==================== sources ====================

export async function createSource(tx: Transaction, values: NewSource): Promise<Source> {
  const [source] = await tx.insert(sources).values(values).returning();
  return source!;
}

export async function getSource(tx: Transaction, tenantId: string, sourceId: string): Promise<Source | undefined> {
  const [source] = await tx.select().from(sources).where(and(eq(sources.tenantId, tenantId), eq(sources.id, sourceId)));
  return source;
}

export async function updateSource(tx: Transaction, tenantId: string, sourceId: string, values: Partial<Omit<NewSource, 'id' | 'tenantId'>>) {
  const [source] = await tx.update(sources).set(values).where(and(eq(sources.tenantId, tenantId), eq(sources.id, sourceId))).returning();
  return source;
}

/** Deletes the source with its documents (and their chunks), pages, syncs and pending changes. */
export async function deleteSource(tx: Transaction, tenantId: string, sourceId: string): Promise<boolean> {
  const deleted = await tx.delete(sources).where(and(eq(sources.tenantId, tenantId), eq(sources.id, sourceId))).returning({ id: sources.id });
  return deleted.length > 0;
}

/**
 * Claims a schedule occurrence for a source: true for the first caller, false for every other
 * worker that fires the same occurrence (or an older one) later.
 */
export async function claimScheduledOccurrence(tx: Transaction, tenantId: string, sourceId: string, occurrence: Date, next: Date): Promise<boolean> {
  const claimed = await tx
    .update(sources)
    .set({ lastScheduledFor: occurrence, nextSyncAt: next })
    .where(
      and(
        eq(sources.tenantId, tenantId),
        eq(sources.id, sourceId),
        ne(sources.schedule, 'off'),
        or(isNull(sources.lastScheduledFor), sql`${sources.lastScheduledFor} < ${occurrence.toISOString()}::timestamptz`),
      ),
    )
    .returning({ id: sources.id });
  return claimed.length > 0;
}

export type SourceSummary = Source & {
  documents: number;
  chunks: number;
  pendingChanges: number;
  latestSync: SourceSync | null;
};

/** Every source of the tenant with its document count, pending changes and latest sync. */
export async function listSources(tx: Transaction, tenantId: string): Promise<SourceSummary[]> {
  const rows = await tx.select().from(sources).where(eq(sources.tenantId, tenantId)).orderBy(desc(sources.createdAt), desc(sources.id));
  if (rows.length === 0) return [];
  const ids = rows.map((row) => row.id);
  const documentCounts = await tx
    .select({ sourceId: knowledgeDocuments.sourceId, n: count(), chunks: sql<number>`coalesce(sum(${knowledgeDocuments.chunkCount}), 0)::int` })
    .from(knowledgeDocuments)
    .where(and(eq(knowledgeDocuments.tenantId, tenantId), inArray(knowledgeDocuments.sourceId, ids)))
    .groupBy(knowledgeDocuments.sourceId);
  const pending = await tx
    .select({ sourceId: sourceChanges.sourceId, n: count() })
    .from(sourceChanges)
    .where(and(eq(sourceChanges.tenantId, tenantId), eq(sourceChanges.status, 'pending'), inArray(sourceChanges.sourceId, ids)))
    .groupBy(sourceChanges.sourceId);
  const latest = await tx
    .selectDistinctOn([sourceSyncs.sourceId])
    .from(sourceSyncs)
    .where(and(eq(sourceSyncs.tenantId, tenantId), inArray(sourceSyncs.sourceId, ids)))
    .orderBy(sourceSyncs.sourceId, desc(sourceSyncs.createdAt), desc(sourceSyncs.id));
  return rows.map((row) => {
    const documents = documentCounts.find((entry) => entry.sourceId === row.id);
    return {
      ...row,
      documents: documents?.n ?? 0,
      chunks: documents?.chunks ?? 0,
      pendingChanges: pending.find((entry) => entry.sourceId === row.id)?.n ?? 0,
      latestSync: latest.find((entry) => entry.sourceId === row.id) ?? null,
    };
  });
}

// ==================== syncs ====================

/** A new queued sync, or undefined when the source already has one queued or running. */
export async function createSync(
  tx: Transaction,
  values: { tenantId: string; sourceId: string; trigger: SourceSync['trigger']; createdBy?: string | null; estimate?: SourceSync['estimate'] },
): Promise<SourceSync | undefined> {
  const [sync] = await tx.insert(sourceSyncs).values(values).onConflictDoNothing().returning();
  return sync;
}

export async function getSync(tx: Transaction, tenantId: string, syncId: string): Promise<SourceSync | undefined> {
  const [sync] = await tx.select().from(sourceSyncs).where(and(eq(sourceSyncs.tenantId, tenantId), eq(sourceSyncs.id, syncId)));
  return sync;
}

export async function getActiveSync(tx: Transaction, tenantId: string, sourceId: string): Promise<SourceSync | undefined> {
  const [sync] = await tx
    .select()
    .from(sourceSyncs)
    .where(and(eq(sourceSyncs.tenantId, tenantId), eq(sourceSyncs.sourceId, sourceId), inArray(sourceSyncs.status, ['queued', 'running'])));
  return sync;
}

/**
 * Takes a sync for this worker: a queued one, or a running one whose worker stopped beating
 * for `stalledSeconds` (it died). Exactly one caller gets the row.
 */
export async function claimSync(tx: Transaction, tenantId: string, syncId: string, stalledSeconds: number): Promise<SourceSync | undefined> {
  const [sync] = await tx
    .update(sourceSyncs)
    .set({
      status: 'running',
      attempts: sql`${sourceSyncs.attempts} + 1`,
      startedAt: sql`coalesce(${sourceSyncs.startedAt}, now())`,
      heartbeatAt: sql`now()`,
    })
    .where(
      and(
        eq(sourceSyncs.tenantId, tenantId),
        eq(sourceSyncs.id, syncId),
        or(
          eq(sourceSyncs.status, 'queued'),
          and(eq(sourceSyncs.status, 'running'), sql`${sourceSyncs.heartbeatAt} < now() - make_interval(secs => ${stalledSeconds})`),
        ),
      ),
    )
    .returning();
  return sync;
}

export type SyncCounters = Partial<Record<'pagesDone' | 'pagesNew' | 'pagesChanged' | 'pagesUnchanged' | 'pagesRetired' | 'pagesFailed' | 'pagesSkipped', number>>;

/** Adds to a sync's counters and beats its heartbeat, in the caller's transaction. */
export async function addSyncProgress(tx: Transaction, tenantId: string, syncId: string, counters: SyncCounters, set: Partial<Pick<SourceSync, 'pagesFound' | 'truncated' | 'statusReason'>> = {}) {
  const increments: Record<string, SQL> = {};
  for (const [key, value] of Object.entries(counters)) {
    const column = sourceSyncs[key as keyof SyncCounters];
    increments[key] = sql`${column} + ${value}`;
  }
  await tx
    .update(sourceSyncs)
    .set({ ...increments, ...set, heartbeatAt: sql`now()` })
    .where(and(eq(sourceSyncs.tenantId, tenantId), eq(sourceSyncs.id, syncId)));
}

export async function finishSync(tx: Transaction, tenantId: string, syncId: string, outcome: { status: 'done' | 'failed' | 'queued'; statusReason: string | null }) {
  const [sync] = await tx
    .update(sourceSyncs)
    .set({ ...outcome, finishedAt: outcome.status === 'queued' ? null : sql`now()`, heartbeatAt: sql`now()` })
    .where(and(eq(sourceSyncs.tenantId, tenantId), eq(sourceSyncs.id, syncId)))
    .returning();
  return sync;
}

export async function listSyncs(tx: Transaction, tenantId: string, sourceId: string, limit = 20) {
  return tx
    .select()
    .from(sourceSyncs)
    .where(and(eq(sourceSyncs.tenantId, tenantId), eq(sourceSyncs.sourceId, sourceId)))
    .orderBy(desc(sourceSyncs.createdAt), desc(sourceSyncs.id))
    .limit(limit);
}

/** Syncs that ended failed and are each their source's latest: what "Retry all" retries. */
export async function listFailedSyncs(tx: Transaction, tenantId: string) {
  const latest = tx
    .selectDistinctOn([sourceSyncs.sourceId], { id: sourceSyncs.id, status: sourceSyncs.status })
    .from(sourceSyncs)
    .where(eq(sourceSyncs.tenantId, tenantId))
    .orderBy(sourceSyncs.sourceId, desc(sourceSyncs.createdAt), desc(sourceSyncs.id))
    .as('latest');
  return tx
    .select({ sync: sourceSyncs, sourceName: sources.name })
    .from(latest)
    .innerJoin(sourceSyncs, and(eq(sourceSyncs.tenantId, tenantId), eq(sourceSyncs.id, latest.id)))
    .innerJoin(sources, and(eq(sources.tenantId, tenantId), eq(sources.id, sourceSyncs.sourceId)))
    .where(eq(latest.status, 'failed'))
    .orderBy(desc(sourceSyncs.createdAt));
}

// ==================== pages ====================

/**
 * Adds addresses to a sync's frontier. A page already known to the source joins this sync
 * (keeping its validators and hash); one already in it keeps its smaller depth. Returns how
 * many addresses joined.
 */
export async function addToFrontier(tx: Transaction, tenantId: string, sourceId: string, syncId: string, pages: Array<{ url: string; depth: number }>): Promise<number> {
  if (pages.length === 0) return 0;
  const rows = await tx
    .insert(sourcePages)
    .values(pages.map((page) => ({ tenantId, sourceId, url: page.url, depth: page.depth, discoveredInSync: syncId })))
    .onConflictDoUpdate({
      target: [sourcePages.tenantId, sourcePages.sourceId, sourcePages.url],
      set: { discoveredInSync: syncId, depth: sql`excluded.depth` },
      setWhere: sql`${sourcePages.discoveredInSync} is distinct from ${syncId}`,
    })
    .returning({ id: sourcePages.id });
  return rows.length;
}

/** The pages a source holds (indexed, waiting for review, or missed once), for a re-sync to visit again. */
export async function knownPages(tx: Transaction, tenantId: string, sourceId: string) {
  return tx
    .select({ url: sourcePages.url, depth: sourcePages.depth })
    .from(sourcePages)
    .where(and(eq(sourcePages.tenantId, tenantId), eq(sourcePages.sourceId, sourceId), inArray(sourcePages.status, ['active', 'missing', 'review'])))
    .orderBy(asc(sourcePages.depth), asc(sourcePages.url));
}

/** Every address the sync has found so far, finished or not (what a resumed sync starts from). */
export async function frontierUrls(tx: Transaction, tenantId: string, sourceId: string, syncId: string): Promise<string[]> {
  const rows = await tx
    .select({ url: sourcePages.url })
    .from(sourcePages)
    .where(and(eq(sourcePages.tenantId, tenantId), eq(sourcePages.sourceId, sourceId), eq(sourcePages.discoveredInSync, syncId)));
  return rows.map((row) => row.url);
}

/** The next pages of the sync not yet finished, shallowest first. */
export async function nextFrontierPages(tx: Transaction, tenantId: string, sourceId: string, syncId: string, limit: number): Promise<SourcePage[]> {
  return tx
    .select()
    .from(sourcePages)
    .where(
      and(
        eq(sourcePages.tenantId, tenantId),
        eq(sourcePages.sourceId, sourceId),
        eq(sourcePages.discoveredInSync, syncId),
        sql`${sourcePages.checkedInSync} is distinct from ${syncId}`,
      ),
    )
    // Pages found together share created_at: their address decides, so a crawl's order is
    // repeatable (ids are random).
    .orderBy(asc(sourcePages.depth), asc(sourcePages.createdAt), asc(sourcePages.url))
    .limit(limit);
}

export async function updatePage(tx: Transaction, tenantId: string, pageId: string, values: Partial<Omit<SourcePage, 'id' | 'tenantId' | 'sourceId'>>) {
  await tx.update(sourcePages).set(values).where(and(eq(sourcePages.tenantId, tenantId), eq(sourcePages.id, pageId)));
}

/** Another page of the source already indexed with exactly this text. */
export async function findPageWithHash(tx: Transaction, tenantId: string, sourceId: string, contentHash: string, exceptPageId: string) {
  const [page] = await tx
    .select({ id: sourcePages.id, url: sourcePages.url })
    .from(sourcePages)
    .where(
      and(
        eq(sourcePages.tenantId, tenantId),
        eq(sourcePages.sourceId, sourceId),
        eq(sourcePages.contentHash, contentHash),
        ne(sourcePages.id, exceptPageId),
        eq(sourcePages.status, 'active'),
      ),
    )
    .limit(1);
  return page;
}

/** Pages the source knew that this (complete) sync did not reach: dropped from the sitemap or no longer linked. */
export async function pagesMissedBySync(tx: Transaction, tenantId: string, sourceId: string, syncId: string): Promise<SourcePage[]> {
  return tx
    .select()
    .from(sourcePages)
    .where(
      and(
        eq(sourcePages.tenantId, tenantId),
        eq(sourcePages.sourceId, sourceId),
        sql`${sourcePages.discoveredInSync} is distinct from ${syncId}`,
        sql`${sourcePages.checkedInSync} is distinct from ${syncId}`,
        inArray(sourcePages.status, ['active', 'missing', 'review']),
      ),
    );
}

export async function getPage(tx: Transaction, tenantId: string, pageId: string): Promise<SourcePage | undefined> {
  const [page] = await tx.select().from(sourcePages).where(and(eq(sourcePages.tenantId, tenantId), eq(sourcePages.id, pageId)));
  return page;
}

export async function listPages(tx: Transaction, tenantId: string, sourceId: string, limit: number, offset: number) {
  const where = and(eq(sourcePages.tenantId, tenantId), eq(sourcePages.sourceId, sourceId));
  const rows = await tx.select().from(sourcePages).where(where).orderBy(asc(sourcePages.url)).limit(limit).offset(offset);
  const [total] = await tx.select({ n: count() }).from(sourcePages).where(where);
  return { rows, total: total?.n ?? 0 };
}

/**
 * Stages a page's extracted text as its document's source bytes, for the ingestion pipeline to
 * chunk and embed (which drops them once the chunks are in).
 */
export async function stageDocumentText(tx: Transaction, tenantId: string, documentId: string, bytes: Buffer) {
  await tx
    .insert(knowledgeSources)
    .values({ tenantId, documentId, bytes })
    .onConflictDoUpdate({ target: [knowledgeSources.tenantId, knowledgeSources.documentId], set: { bytes } });
}

// ==================== changes waiting for review ====================

export async function upsertPendingChange(
  tx: Transaction,
  values: Pick<SourceChange, 'tenantId' | 'sourceId' | 'pageId' | 'kind' | 'url' | 'title' | 'content' | 'contentHash' | 'etag' | 'lastModified'>,
) {
  await tx
    .insert(sourceChanges)
    .values(values)
    .onConflictDoUpdate({
      target: [sourceChanges.tenantId, sourceChanges.pageId],
      targetWhere: sql`status = 'pending'`,
      set: { kind: values.kind, title: values.title, content: values.content, contentHash: values.contentHash, etag: values.etag, lastModified: values.lastModified },
    });
}

export async function listPendingChanges(tx: Transaction, tenantId: string, sourceId: string) {
  return tx
    .select()
    .from(sourceChanges)
    .where(and(eq(sourceChanges.tenantId, tenantId), eq(sourceChanges.sourceId, sourceId), eq(sourceChanges.status, 'pending')))
    .orderBy(asc(sourceChanges.url));
}

export async function getChange(tx: Transaction, tenantId: string, changeId: string): Promise<SourceChange | undefined> {
  const [change] = await tx.select().from(sourceChanges).where(and(eq(sourceChanges.tenantId, tenantId), eq(sourceChanges.id, changeId)));
  return change;
}

export async function markChangeReviewed(tx: Transaction, tenantId: string, changeId: string, status: 'approved' | 'rejected', reviewedBy: string) {
  const [change] = await tx
    .update(sourceChanges)
    .set({ status, reviewedBy, reviewedAt: sql`now()` })
    .where(and(eq(sourceChanges.tenantId, tenantId), eq(sourceChanges.id, changeId), eq(sourceChanges.status, 'pending')))
    .returning();
  return change;
}

/** What the Overview warns about: documents that failed to index and sources whose latest sync failed. */
export async function countFailingWork(tx: Transaction, tenantId: string): Promise<{ documents: number; syncs: number }> {
  const [documents] = await tx
    .select({ n: count() })
    .from(knowledgeDocuments)
    .where(and(eq(knowledgeDocuments.tenantId, tenantId), eq(knowledgeDocuments.status, 'failed')));
  return { documents: documents?.n ?? 0, syncs: (await listFailedSyncs(tx, tenantId)).length };
}
