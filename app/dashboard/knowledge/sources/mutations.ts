import 'server-only';
import { randomUUID } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import { z } from 'zod';
import { deleteDocument, updateDocument } from '@/db/queries/knowledge';
import {
  createSource,
  createSync,
  deleteSource,
  getChange,
  getPage,
  getSource,
  getSync,
  listFailedSyncs,
  markChangeReviewed,
  updatePage,
  updateSource,
} from '@/db/queries/sources';
import { enqueueIngestion, enqueueSourceSync } from '@/db/queue';
import { knowledgeDocuments, SOURCE_KINDS, SOURCE_SCHEDULES } from '@/db/schema';
import { ActionError, defineAction } from '@/lib/actions/define-action';
import { configuredEmbedder } from '@/lib/knowledge/embedders';
import { categoryField, tagsField } from '@/lib/knowledge/fields';
import { CONFIRM_CRAWL_PAGES, estimateCrawl } from '@/lib/sources/estimate';
import { applySourceSchedule } from '@/lib/sources/jobs';
import { cronFor, cronProblem, nextRun } from '@/lib/sources/schedule';
import { indexTarget } from '@/lib/sources/sync';
import { normalizeUrl, parsePatterns } from '@/lib/sources/urls';

/** The most pages one source may take in a sync. */
export const MAX_PAGES_LIMIT = 5000;

const checkbox = z.preprocess((value) => value === 'on' || value === 'true' || value === true, z.boolean());

const patternsField = z
  .string()
  .max(4000)
  .default('')
  .transform(parsePatterns)
  .refine((patterns) => patterns.length <= 50, 'At most 50 patterns.')
  .refine((patterns) => patterns.every((pattern) => pattern.startsWith('/') || pattern.startsWith('*')), 'Each pattern is a path starting with / (e.g. /docs/*).');

const settingsFields = {
  name: z.string().trim().max(120, 'At most 120 characters.').default(''),
  include: patternsField,
  exclude: patternsField,
  maxPages: z.coerce.number({ message: 'Enter a number.' }).int('Enter a whole number.').min(1, 'At least 1 page.').max(MAX_PAGES_LIMIT, `At most ${MAX_PAGES_LIMIT} pages.`).default(200),
  maxDepth: z.coerce.number({ message: 'Enter a number.' }).int('Enter a whole number.').min(0, 'At least 0.').max(10, 'At most 10 links deep.').default(3),
  sameSite: checkbox,
  schedule: z.enum(SOURCE_SCHEDULES, 'Choose how often to re-sync.').default('off'),
  cron: z.string().trim().max(100).default(''),
  reviewChanges: checkbox,
  category: categoryField,
  tags: tagsField,
};

type Settings = { schedule: (typeof SOURCE_SCHEDULES)[number]; cron: string };
const checkCron = (value: Settings, context: z.RefinementCtx) => {
  if (value.schedule !== 'cron') return;
  const problem = value.cron ? cronProblem(value.cron) : 'Enter a cron expression, e.g. "0 6 * * 1-5".';
  if (problem) context.addIssue({ code: 'custom', path: ['cron'], message: problem });
};

const urlField = z
  .url({ protocol: /^https?$/, message: 'Enter a full web address starting with https://.' })
  .max(2000, 'That address is too long.')
  .transform((url, context) => {
    const normalized = normalizeUrl(url);
    if (!normalized) context.addIssue({ code: 'custom', message: 'Enter a web address without a user name or password in it.' });
    return normalized ?? url;
  });

export const addSourceInput = z
  .object({ kind: z.enum(SOURCE_KINDS, 'Choose what to add.').default('page'), url: urlField, confirmCost: checkbox, ...settingsFields })
  .superRefine(checkCron);

const crawlOf = (kind: (typeof SOURCE_KINDS)[number], input: { sameSite: boolean; include: string[]; exclude: string[]; maxPages: number; maxDepth: number }) =>
  kind === 'page'
    ? { sameSite: true, include: [], exclude: [], maxPages: 1, maxDepth: 0 }
    : { sameSite: input.sameSite, include: input.include, exclude: input.exclude, maxPages: input.maxPages, maxDepth: kind === 'website' ? input.maxDepth : 0 };

const defaultName = (url: string) => {
  const { hostname, pathname } = new URL(url);
  return `${hostname}${pathname === '/' ? '' : pathname}`.slice(0, 120);
};

/** Adds a web page, a website or a sitemap as a source and starts its first sync. */
export const addSource = defineAction({
  permission: 'knowledge:manage',
  input: addSourceInput,
  handler: async (tx, { tenantId, userId }, input) => {
    const id = randomUUID();
    const crawl = crawlOf(input.kind, input);
    const cron = cronFor(input.schedule, id, input.cron);
    // A large crawl with a billed embedder waits for the person to accept the estimate.
    const estimate = crawl.maxPages >= CONFIRM_CRAWL_PAGES ? await estimateCrawl(tx, tenantId, crawl.maxPages, configuredEmbedder()) : undefined;
    if (estimate && !input.confirmCost) {
      throw new ActionError(
        `Indexing up to ${estimate.pages.toLocaleString('en-US')} pages may embed about ${estimate.tokens.toLocaleString('en-US')} tokens with ${estimate.model}: about $${estimate.costUsd}. Tick "Start the crawl" to confirm. Later re-syncs only pay for pages that changed.`,
        'conflict',
      );
    }
    const source = await createSource(tx, {
      id,
      tenantId,
      name: input.name || defaultName(input.url),
      kind: input.kind,
      url: input.url,
      crawl,
      schedule: cron ? input.schedule : 'off',
      cron,
      nextSyncAt: cron ? nextRun(cron) : null,
      reviewChanges: input.reviewChanges,
      category: input.category,
      tags: input.tags,
      createdBy: userId,
    });
    const sync = await createSync(tx, { tenantId, sourceId: source.id, trigger: 'created', createdBy: userId, estimate });
    return {
      message: input.kind === 'page' ? 'Import queued: the page is fetched and indexed in the background.' : 'Source added: the first sync has started.',
      result: { sourceId: source.id },
      afterCommit: async () => {
        await enqueueSourceSync({ tenantId, syncId: sync!.id });
        await applySourceSchedule(source);
      },
    };
  },
});

export const updateSourceSettings = defineAction({
  permission: 'knowledge:manage',
  input: z.object({ sourceId: z.uuid('Unknown source.'), ...settingsFields }).superRefine(checkCron),
  handler: async (tx, { tenantId }, { sourceId, ...input }) => {
    const source = await getSource(tx, tenantId, sourceId);
    if (!source) throw new ActionError('That source was not found.', 'not_found');
    const cron = cronFor(input.schedule, source.id, input.cron);
    const updated = await updateSource(tx, tenantId, sourceId, {
      name: input.name || source.name,
      crawl: crawlOf(source.kind, input),
      schedule: cron ? input.schedule : 'off',
      cron,
      nextSyncAt: cron ? nextRun(cron) : null,
      reviewChanges: input.reviewChanges,
      category: input.category,
      tags: input.tags,
    });
    // Documents and their chunks follow the source's filters.
    const documents = await tx
      .select({ id: knowledgeDocuments.id })
      .from(knowledgeDocuments)
      .where(and(eq(knowledgeDocuments.tenantId, tenantId), eq(knowledgeDocuments.sourceId, sourceId)));
    for (const document of documents) await updateDocument(tx, tenantId, document.id, { category: input.category, tags: input.tags });
    return { message: 'Source settings saved. They apply from the next sync.', afterCommit: () => applySourceSchedule(updated!) };
  },
});

export const syncSourceNow = defineAction({
  permission: 'knowledge:manage',
  input: z.object({ sourceId: z.uuid('Unknown source.') }),
  handler: async (tx, { tenantId, userId }, { sourceId }) => {
    if (!(await getSource(tx, tenantId, sourceId))) throw new ActionError('That source was not found.', 'not_found');
    const sync = await createSync(tx, { tenantId, sourceId, trigger: 'manual', createdBy: userId });
    if (!sync) throw new ActionError('A sync of this source is already queued or running.', 'conflict');
    return { message: 'Sync started.', afterCommit: () => enqueueSourceSync({ tenantId, syncId: sync.id }) };
  },
});

export const retrySync = defineAction({
  permission: 'knowledge:manage',
  input: z.object({ syncId: z.uuid('Unknown sync.') }),
  handler: async (tx, { tenantId, userId }, { syncId }) => {
    const failed = await getSync(tx, tenantId, syncId);
    if (!failed) throw new ActionError('That sync was not found.', 'not_found');
    if (failed.status !== 'failed') throw new ActionError('Only a failed sync can be retried.', 'conflict');
    const sync = await createSync(tx, { tenantId, sourceId: failed.sourceId, trigger: 'retry', createdBy: userId });
    if (!sync) throw new ActionError('A sync of this source is already queued or running.', 'conflict');
    return { message: 'Retry started.', afterCommit: () => enqueueSourceSync({ tenantId, syncId: sync.id }) };
  },
});

/** Retries every failed sync (each source's latest) and every failed document at once. */
export const retryAllFailed = defineAction({
  permission: 'knowledge:manage',
  input: z.object({}),
  handler: async (tx, { tenantId, userId }) => {
    const syncIds: string[] = [];
    for (const { sync: failed } of await listFailedSyncs(tx, tenantId)) {
      const sync = await createSync(tx, { tenantId, sourceId: failed.sourceId, trigger: 'retry', createdBy: userId });
      if (sync) syncIds.push(sync.id);
    }
    const documents = await tx
      .update(knowledgeDocuments)
      .set({ status: 'queued', progress: 0, statusReason: 'Retrying.' })
      .where(and(eq(knowledgeDocuments.tenantId, tenantId), eq(knowledgeDocuments.status, 'failed')))
      .returning({ id: knowledgeDocuments.id });
    if (syncIds.length + documents.length === 0) throw new ActionError('Nothing has failed: there is nothing to retry.', 'conflict');
    return {
      message: `Retrying ${syncIds.length} ${syncIds.length === 1 ? 'sync' : 'syncs'} and ${documents.length} ${documents.length === 1 ? 'document' : 'documents'}.`,
      afterCommit: async () => {
        for (const syncId of syncIds) await enqueueSourceSync({ tenantId, syncId });
        for (const document of documents) await enqueueIngestion({ tenantId, documentId: document.id });
      },
    };
  },
});

/** Approves or rejects a change that waits for review. */
export const reviewSourceChange = defineAction({
  permission: 'knowledge:manage',
  input: z.object({ changeId: z.uuid('Unknown change.'), decision: z.enum(['approve', 'reject'], 'Approve or reject the change.') }),
  handler: async (tx, { tenantId, userId }, { changeId, decision }) => {
    const pending = await getChange(tx, tenantId, changeId);
    if (!pending) throw new ActionError('That change was not found.', 'not_found');
    const change = await markChangeReviewed(tx, tenantId, changeId, decision === 'approve' ? 'approved' : 'rejected', userId);
    if (!change) throw new ActionError('That change was already reviewed.', 'conflict');
    const page = await getPage(tx, tenantId, change.pageId);
    const source = await getSource(tx, tenantId, change.sourceId);
    if (!page || !source) throw new ActionError('That page is no longer part of the source.', 'not_found');
    if (decision === 'reject') {
      await updatePage(tx, tenantId, page.id, change.kind === 'removed'
        ? { status: 'active', statusReason: 'Its removal was rejected in review.', missCount: 0 }
        : { status: page.documentId ? 'active' : 'excluded', statusReason: 'This version was rejected in review.', rejectedHash: change.contentHash });
      return { message: 'Change rejected: the assistant keeps answering from the current version.' };
    }
    if (change.kind === 'removed') {
      if (page.documentId) await deleteDocument(tx, tenantId, page.documentId);
      await updatePage(tx, tenantId, page.id, { status: 'retired', statusReason: 'Removal approved in review.', documentId: null, contentHash: null, etag: null, lastModified: null });
      return { message: 'Removal approved: the page is no longer used for answers.' };
    }
    const documentId = await indexTarget(tx, tenantId, source, page, { title: change.title ?? change.url, url: change.url, text: change.content ?? '' });
    await updatePage(tx, tenantId, page.id, {
      documentId,
      contentHash: change.contentHash,
      etag: change.etag,
      lastModified: change.lastModified,
      status: 'active',
      statusReason: null,
      missCount: 0,
      lastChangedAt: new Date(),
    });
    return { message: 'Change approved: the page is being re-indexed.', afterCommit: () => enqueueIngestion({ tenantId, documentId }) };
  },
});

export const removeSource = defineAction({
  permission: 'knowledge:manage',
  input: z.object({ sourceId: z.uuid('Unknown source.') }),
  handler: async (tx, { tenantId }, { sourceId }) => {
    if (!(await deleteSource(tx, tenantId, sourceId))) throw new ActionError('That source was not found.', 'not_found');
    return { message: 'Source deleted with its documents.', afterCommit: () => applySourceSchedule({ id: sourceId, tenantId, cron: null }) };
  },
});
