import type { Metadata } from 'next';
import Link from 'next/link';
import { z } from 'zod';
import { AutoRefresh } from '@/components/auto-refresh';
import { Card } from '@/components/ui/card';
import { FilterSelect } from '@/components/ui/filter-select';
import { DOCUMENT_SORTS, listDocumentFacets, listDocuments } from '@/db/queries/knowledge';
import { DOCUMENT_STATUSES } from '@/db/schema';
import { can } from '@/lib/auth/permissions';
import { withDashboardTenant } from '@/lib/auth/session';
import { getEnv } from '@/lib/env';
import { configuredEmbedder } from '@/lib/knowledge/embedders';
import { listFailedSyncs, listSources } from '@/db/queries/sources';
import { ActionForm } from '@/components/action-form';
import { SubmitButton } from '@/components/ui/submit-button';
import { retryAllFailedAction, retrySyncAction, syncSourceNowAction } from './sources/actions';
import { SourceForm } from './sources/source-form';
import { SyncBadge } from './sources/sync-badge';
import { StatusBadge } from './status-badge';
import { UploadPanel } from './upload-panel';

export const metadata: Metadata = { title: 'Knowledge' };

const PAGE_SIZE = 20;

const querySchema = z.object({
  status: z.enum(DOCUMENT_STATUSES).optional().catch(undefined),
  category: z.string().max(60).optional().catch(undefined),
  tag: z.string().max(40).optional().catch(undefined),
  q: z.string().max(200).optional().catch(undefined),
  sort: z.enum(DOCUMENT_SORTS).default('updated').catch('updated'),
  dir: z.enum(['asc', 'desc']).default('desc').catch('desc'),
  page: z.coerce.number().int().min(1).max(10_000).default(1).catch(1),
});

const dateFormat = new Intl.DateTimeFormat('en-US', { dateStyle: 'medium', timeStyle: 'short' });

function formatBytes(bytes: number) {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1_048_576) return `${(bytes / 1024).toFixed(0)} KB`;
  return `${(bytes / 1_048_576).toFixed(1)} MB`;
}

export default async function KnowledgePage({ searchParams }: { searchParams: Promise<Record<string, string | undefined>> }) {
  const query = querySchema.parse(await searchParams);
  const { documents, facets, role, sources, failedSyncs, failedDocuments } = await withDashboardTenant(async (tx, context) => ({
    documents: await listDocuments(tx, context.tenantId, {
      status: query.status,
      category: query.category || undefined,
      tag: query.tag || undefined,
      search: query.q || undefined,
      sort: query.sort,
      direction: query.dir,
      page: query.page,
      pageSize: PAGE_SIZE,
    }),
    facets: await listDocumentFacets(tx, context.tenantId),
    role: context.role,
    sources: await listSources(tx, context.tenantId),
    failedSyncs: await listFailedSyncs(tx, context.tenantId),
    failedDocuments: (await listDocuments(tx, context.tenantId, { status: 'failed', sort: 'updated', direction: 'desc', page: 1, pageSize: 10 })),
  }));
  const embedder = configuredEmbedder();
  const pages = Math.max(1, Math.ceil(documents.total / PAGE_SIZE));
  const busy =
    documents.rows.some((row) => row.status === 'queued' || row.status === 'processing') ||
    sources.some((source) => source.latestSync?.status === 'queued' || source.latestSync?.status === 'running');
  const manage = can(role, 'knowledge:manage');
  const filtered = Boolean(query.status || query.category || query.tag || query.q);

  const href = (changes: Record<string, string | number | undefined>) => {
    const params = new URLSearchParams();
    for (const [key, value] of Object.entries({ ...query, ...changes })) {
      if (value !== undefined && value !== '' && !(key === 'page' && value === 1)) params.set(key, String(value));
    }
    const text = params.toString();
    return `/dashboard/knowledge${text ? `?${text}` : ''}`;
  };
  const sortHeader = (column: (typeof DOCUMENT_SORTS)[number], label: string) => {
    const active = query.sort === column;
    const nextDirection = active && query.dir === 'desc' ? 'asc' : 'desc';
    return (
      <th scope="col" className="py-2 pr-4" aria-sort={active ? (query.dir === 'asc' ? 'ascending' : 'descending') : undefined}>
        <Link href={href({ sort: column, dir: nextDirection, page: 1 })} className="hover:underline">
          {label} {active ? (query.dir === 'asc' ? '↑' : '↓') : ''}
        </Link>
      </th>
    );
  };

  return (
    <div className="flex flex-col gap-6">
      <AutoRefresh active={busy} />
      <div className="flex flex-wrap items-end justify-between gap-3">
        <div>
          <h1 className="text-2xl font-semibold">Knowledge</h1>
          <p className="mt-1 text-sm text-slate-600 dark:text-slate-400">
            What the assistant answers from. Embeddings: <span className="font-medium">{embedder.model}</span>
            {embedder.lexical && ' (lexical: matches shared words, not meaning; configure an embedding provider for semantic search)'}.
          </p>
        </div>
        <Link href="/dashboard/knowledge/search" className="text-sm font-medium text-indigo-600 hover:underline dark:text-indigo-400">
          Search playground →
        </Link>
      </div>

      {failedSyncs.length + failedDocuments.total > 0 && (
        <Card title="Needs attention" description="These failed. Fix the cause (or wait for the site to come back), then retry them one by one or all at once.">
          <ul className="flex flex-col gap-3 text-sm" data-testid="failed-work">
            {failedSyncs.map(({ sync, sourceName }) => (
              <li key={sync.id} className="flex flex-wrap items-start justify-between gap-3">
                <div>
                  <Link href={`/dashboard/knowledge/sources/${sync.sourceId}`} className="font-medium hover:underline">{sourceName}</Link>
                  <span className="text-slate-500"> · sync failed {sync.finishedAt ? dateFormat.format(sync.finishedAt) : ''}</span>
                  <p className="text-xs text-slate-600 dark:text-slate-400">{sync.statusReason}</p>
                </div>
                {manage && (
                  <ActionForm action={retrySyncAction}>
                    <input type="hidden" name="syncId" value={sync.id} />
                    <SubmitButton variant="secondary" pendingLabel="Retrying…">Retry</SubmitButton>
                  </ActionForm>
                )}
              </li>
            ))}
            {failedDocuments.rows.map((document) => (
              <li key={document.id} className="flex flex-wrap items-start justify-between gap-3">
                <div>
                  <Link href={`/dashboard/knowledge/${document.id}`} className="font-medium hover:underline">{document.title}</Link>
                  <span className="text-slate-500"> · indexing failed</span>
                  <p className="text-xs text-slate-600 dark:text-slate-400">{document.statusReason}</p>
                </div>
              </li>
            ))}
          </ul>
          {manage && (
            <div className="mt-4">
              <ActionForm action={retryAllFailedAction} showSuccess>
                <SubmitButton pendingLabel="Retrying…">Retry all failed</SubmitButton>
              </ActionForm>
            </div>
          )}
        </Card>
      )}

      {manage && (
        <Card title="Add knowledge" description="Files are read, split into passages and indexed in the background; this page updates by itself.">
          <UploadPanel maxMegabytes={getEnv().KNOWLEDGE_MAX_UPLOAD_MB} />
          <div className="mt-6 border-t border-slate-200 pt-6 dark:border-slate-800">
            <h3 className="mb-3 text-sm font-semibold">From the web</h3>
            <SourceForm />
          </div>
        </Card>
      )}

      <Card title={`Sources (${sources.length})`} description="Web pages, websites and sitemaps the assistant keeps in step with. Uploaded files are listed under Documents.">
        {sources.length === 0 ? (
          <p className="py-4 text-center text-sm text-slate-600 dark:text-slate-400">No web sources yet. Add your help centre or its sitemap above, and choose how often to re-sync it.</p>
        ) : (
          <div className="overflow-x-auto">
            <table className="w-full text-left text-sm">
              <thead className="text-xs text-slate-500 uppercase">
                <tr>
                  <th scope="col" className="py-2 pr-4">Source</th>
                  <th scope="col" className="py-2 pr-4">State</th>
                  <th scope="col" className="py-2 pr-4">Documents</th>
                  <th scope="col" className="py-2 pr-4">Last sync</th>
                  <th scope="col" className="py-2 pr-4">Next sync</th>
                  <th scope="col" className="py-2 pr-4"><span className="sr-only">Actions</span></th>
                </tr>
              </thead>
              <tbody className="divide-y divide-slate-200 dark:divide-slate-800">
                {sources.map((source) => (
                  <tr key={source.id} data-testid="source-row">
                    <td className="py-3 pr-4">
                      <Link href={`/dashboard/knowledge/sources/${source.id}`} className="font-medium hover:underline">{source.name}</Link>
                      <p className="max-w-xs truncate text-xs text-slate-500">{source.kind} · {source.url}</p>
                      {source.pendingChanges > 0 && (
                        <Link href={`/dashboard/knowledge/sources/${source.id}#changes`} className="text-xs font-medium text-amber-700 hover:underline dark:text-amber-300">
                          {source.pendingChanges} {source.pendingChanges === 1 ? 'change' : 'changes'} to review
                        </Link>
                      )}
                    </td>
                    <td className="py-3 pr-4"><SyncBadge sync={source.latestSync} /></td>
                    <td className="py-3 pr-4 tabular-nums">{source.documents}</td>
                    <td className="py-3 pr-4 whitespace-nowrap">{source.lastSyncedAt ? dateFormat.format(source.lastSyncedAt) : '—'}</td>
                    <td className="py-3 pr-4 whitespace-nowrap">{source.nextSyncAt ? dateFormat.format(source.nextSyncAt) : 'Off'}</td>
                    <td className="py-3 pr-4">
                      {manage && (
                        <ActionForm action={syncSourceNowAction}>
                          <input type="hidden" name="sourceId" value={source.id} />
                          <SubmitButton variant="secondary" pendingLabel="Starting…">Sync now</SubmitButton>
                        </ActionForm>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </Card>

      <Card title={`Documents (${documents.total})`}>
        <form className="mb-4 grid gap-3 sm:grid-cols-5" role="search" aria-label="Filter documents">
          <input type="hidden" name="sort" value={query.sort} />
          <input type="hidden" name="dir" value={query.dir} />
          <label className="sr-only" htmlFor="filter-q">Title contains</label>
          <input id="filter-q" name="q" defaultValue={query.q} placeholder="Title contains…" className="rounded-md border border-slate-300 bg-white px-3 py-2 text-sm sm:col-span-2 dark:border-slate-700 dark:bg-slate-900" />
          <FilterSelect id="filter-status" name="status" label="Status" anyLabel="Any status" options={DOCUMENT_STATUSES} value={query.status} />
          <FilterSelect id="filter-category" name="category" label="Category" anyLabel="Any category" options={facets.categories} value={query.category} />
          <div className="flex gap-2">
            <FilterSelect id="filter-tag" name="tag" label="Tag" anyLabel="Any tag" options={facets.tags} value={query.tag} className="min-w-0 flex-1" />
            <button type="submit" className="rounded-md border border-slate-300 px-3 text-sm dark:border-slate-700">Filter</button>
          </div>
        </form>

        {documents.rows.length === 0 ? (
          <p className="py-6 text-center text-sm text-slate-600 dark:text-slate-400">
            {filtered ? 'No documents match these filters.' : 'No documents yet. Upload your FAQ, help articles or policies to get started.'}
          </p>
        ) : (
          <div className="overflow-x-auto">
            <table className="w-full text-left text-sm">
              <thead className="text-xs text-slate-500 uppercase">
                <tr>
                  {sortHeader('title', 'Title')}
                  <th scope="col" className="py-2 pr-4">Category · tags</th>
                  {sortHeader('status', 'Status')}
                  {sortHeader('chunks', 'Chunks')}
                  {sortHeader('size', 'Size')}
                  {sortHeader('updated', 'Updated')}
                </tr>
              </thead>
              <tbody className="divide-y divide-slate-200 dark:divide-slate-800">
                {documents.rows.map((document) => (
                  <tr key={document.id} data-testid="document-row">
                    <td className="py-3 pr-4 font-medium">
                      <Link href={`/dashboard/knowledge/${document.id}`} className="hover:underline">{document.title}</Link>
                    </td>
                    <td className="py-3 pr-4 text-slate-600 dark:text-slate-400">
                      {[document.category, ...document.tags.map((tag) => `#${tag}`)].filter(Boolean).join(' · ') || '—'}
                    </td>
                    <td className="py-3 pr-4">
                      <StatusBadge status={document.status} progress={document.progress} reason={document.statusReason} />
                    </td>
                    <td className="py-3 pr-4 tabular-nums">{document.status === 'ready' ? document.chunkCount : '—'}</td>
                    <td className="py-3 pr-4 tabular-nums">{formatBytes(document.sizeBytes)}</td>
                    <td className="py-3 pr-4 whitespace-nowrap">{dateFormat.format(document.updatedAt)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        {pages > 1 && (
          <nav aria-label="Pages" className="mt-4 flex items-center justify-between text-sm">
            {query.page > 1 ? <Link href={href({ page: query.page - 1 })} className="hover:underline">← Previous</Link> : <span />}
            <span className="text-slate-500">Page {query.page} of {pages}</span>
            {query.page < pages ? <Link href={href({ page: query.page + 1 })} className="hover:underline">Next →</Link> : <span />}
          </nav>
        )}
      </Card>
    </div>
  );
}
