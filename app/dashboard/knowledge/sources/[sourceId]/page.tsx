import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { z } from 'zod';
import { ActionForm } from '@/components/action-form';
import { AutoRefresh } from '@/components/auto-refresh';
import { Card } from '@/components/ui/card';
import { SubmitButton } from '@/components/ui/submit-button';
import { getDocument } from '@/db/queries/knowledge';
import { getPage, getSource, listPages, listPendingChanges, listSyncs } from '@/db/queries/sources';
import { can } from '@/lib/auth/permissions';
import { withDashboardTenant } from '@/lib/auth/session';
import { textDiff } from '@/lib/sources/diff';
import { removeSourceAction, retrySyncAction, reviewSourceChangeAction, syncSourceNowAction } from '../actions';
import { SourceForm } from '../source-form';
import { SyncBadge } from '../sync-badge';

export const metadata: Metadata = { title: 'Source' };

const PAGE_SIZE = 50;
const dateFormat = new Intl.DateTimeFormat('en-US', { dateStyle: 'medium', timeStyle: 'short' });
const SCHEDULE_LABELS = { off: 'Off (sync by hand)', daily: 'Daily', weekly: 'Weekly', cron: 'Custom' } as const;

const DIFF_STYLES = {
  added: 'bg-emerald-50 text-emerald-900 dark:bg-emerald-950 dark:text-emerald-200',
  removed: 'bg-red-50 text-red-900 line-through decoration-red-400/60 dark:bg-red-950 dark:text-red-200',
  same: 'text-slate-600 dark:text-slate-400',
  fold: 'italic text-slate-400',
} as const;

export default async function SourcePage({
  params,
  searchParams,
}: {
  params: Promise<{ sourceId: string }>;
  searchParams: Promise<Record<string, string | undefined>>;
}) {
  const { sourceId } = await params;
  if (!z.uuid().safeParse(sourceId).success) notFound();
  const page = z.coerce.number().int().min(1).max(10_000).catch(1).parse((await searchParams).page ?? 1);
  const data = await withDashboardTenant(async (tx, { tenantId, role }) => {
    const source = await getSource(tx, tenantId, sourceId);
    if (!source) return undefined;
    const changes = await listPendingChanges(tx, tenantId, sourceId);
    const reviews = [];
    for (const change of changes) {
      const sourcePage = await getPage(tx, tenantId, change.pageId);
      const current = sourcePage?.documentId ? await getDocument(tx, tenantId, sourcePage.documentId) : undefined;
      reviews.push({ change, before: current?.content ?? '' });
    }
    return { source, role, syncs: await listSyncs(tx, tenantId, sourceId, 10), pages: await listPages(tx, tenantId, sourceId, PAGE_SIZE, (page - 1) * PAGE_SIZE), reviews };
  });
  if (!data) notFound();
  const { source, role, syncs, pages, reviews } = data;
  const manage = can(role, 'knowledge:manage');
  const active = syncs.some((sync) => sync.status === 'queued' || sync.status === 'running');
  const pageCount = Math.max(1, Math.ceil(pages.total / PAGE_SIZE));

  return (
    <div className="flex flex-col gap-6">
      <AutoRefresh active={active} />
      <div className="flex flex-wrap items-start justify-between gap-3">
        <div>
          <Link href="/dashboard/knowledge" className="text-sm text-indigo-600 hover:underline dark:text-indigo-400">← Knowledge</Link>
          <h1 className="mt-1 text-2xl font-semibold">{source.name}</h1>
          <p className="mt-1 text-sm text-slate-600 dark:text-slate-400">
            {source.kind === 'page' ? 'One page' : source.kind === 'website' ? 'Website' : 'Sitemap'} ·{' '}
            <a href={source.url} className="hover:underline" rel="noreferrer noopener" target="_blank">{source.url}</a> · re-sync {SCHEDULE_LABELS[source.schedule].toLowerCase()}
            {source.cron && source.schedule === 'cron' ? ` (${source.cron} UTC)` : ''}
            {source.nextSyncAt ? ` · next ${dateFormat.format(source.nextSyncAt)}` : ''}
          </p>
        </div>
        {manage && (
          <ActionForm action={syncSourceNowAction}>
            <input type="hidden" name="sourceId" value={source.id} />
            <SubmitButton pendingLabel="Starting…">Sync now</SubmitButton>
          </ActionForm>
        )}
      </div>

      {reviews.length > 0 && (
        <section id="changes">
          <Card title={`Changes waiting for review (${reviews.length})`} description="The assistant keeps answering from the current version until a change is approved.">
            <ul className="flex flex-col gap-6">
              {reviews.map(({ change, before }) => (
                <li key={change.id} data-testid="pending-change" className="flex flex-col gap-2">
                  <div className="flex flex-wrap items-center justify-between gap-2">
                    <div className="text-sm">
                      <span className="font-medium">{change.title ?? change.url}</span>{' '}
                      <span className="text-slate-500">· {change.kind === 'new' ? 'new page' : change.kind === 'changed' ? 'changed' : 'gone from the site'} · {change.url}</span>
                    </div>
                    {manage && (
                      <div className="flex gap-2">
                        <ActionForm action={reviewSourceChangeAction}>
                          <input type="hidden" name="changeId" value={change.id} />
                          <input type="hidden" name="decision" value="approve" />
                          <SubmitButton pendingLabel="Approving…">Approve</SubmitButton>
                        </ActionForm>
                        <ActionForm action={reviewSourceChangeAction}>
                          <input type="hidden" name="changeId" value={change.id} />
                          <input type="hidden" name="decision" value="reject" />
                          <SubmitButton variant="secondary" pendingLabel="Rejecting…">Reject</SubmitButton>
                        </ActionForm>
                      </div>
                    )}
                  </div>
                  {change.kind !== 'removed' && (
                    <pre className="max-h-96 overflow-auto rounded-md border border-slate-200 p-3 text-xs whitespace-pre-wrap dark:border-slate-800" aria-label="Changes in the page's text">
                      {textDiff(before, change.content ?? '').map((line, index) => (
                        <div key={index} className={DIFF_STYLES[line.kind]}>
                          {line.kind === 'added' ? '+ ' : line.kind === 'removed' ? '− ' : line.kind === 'fold' ? '⋯ ' : '  '}
                          {line.text}
                        </div>
                      ))}
                    </pre>
                  )}
                </li>
              ))}
            </ul>
          </Card>
        </section>
      )}

      <Card title="Syncs" description="Each sync re-checks every page with a conditional request; only changed text is embedded again.">
        {syncs.length === 0 ? (
          <p className="text-sm text-slate-600 dark:text-slate-400">No sync yet.</p>
        ) : (
          <table className="w-full text-left text-sm">
            <thead className="text-xs text-slate-500 uppercase">
              <tr>
                <th scope="col" className="py-2 pr-4">Started</th>
                <th scope="col" className="py-2 pr-4">Trigger</th>
                <th scope="col" className="py-2 pr-4">State</th>
                <th scope="col" className="py-2 pr-4"><span className="sr-only">Actions</span></th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-200 dark:divide-slate-800">
              {syncs.map((sync) => (
                <tr key={sync.id} data-testid="sync-row">
                  <td className="py-3 pr-4 whitespace-nowrap">{dateFormat.format(sync.startedAt ?? sync.createdAt)}</td>
                  <td className="py-3 pr-4">{sync.trigger}{sync.attempts > 1 ? ` · resumed ${sync.attempts - 1}×` : ''}</td>
                  <td className="py-3 pr-4"><SyncBadge sync={sync} /></td>
                  <td className="py-3 pr-4">
                    {manage && sync.status === 'failed' && sync.id === syncs[0]!.id && (
                      <ActionForm action={retrySyncAction}>
                        <input type="hidden" name="syncId" value={sync.id} />
                        <SubmitButton variant="secondary" pendingLabel="Retrying…">Retry</SubmitButton>
                      </ActionForm>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Card>

      <Card title={`Pages (${pages.total})`}>
        {pages.rows.length === 0 ? (
          <p className="text-sm text-slate-600 dark:text-slate-400">No pages found yet.</p>
        ) : (
          <table className="w-full text-left text-sm">
            <thead className="text-xs text-slate-500 uppercase">
              <tr>
                <th scope="col" className="py-2 pr-4">Address</th>
                <th scope="col" className="py-2 pr-4">State</th>
                <th scope="col" className="py-2 pr-4">Last checked</th>
                <th scope="col" className="py-2 pr-4">Last changed</th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-200 dark:divide-slate-800">
              {pages.rows.map((row) => (
                <tr key={row.id} data-testid="source-page">
                  <td className="max-w-md py-2 pr-4 break-all">
                    {row.documentId ? <Link href={`/dashboard/knowledge/${row.documentId}`} className="hover:underline">{row.url}</Link> : row.url}
                  </td>
                  <td className="py-2 pr-4">
                    <span className="font-medium">{row.status}</span>
                    {row.statusReason && <p className="text-xs text-slate-600 dark:text-slate-400">{row.statusReason}</p>}
                  </td>
                  <td className="py-2 pr-4 whitespace-nowrap">{row.lastCheckedAt ? dateFormat.format(row.lastCheckedAt) : '—'}</td>
                  <td className="py-2 pr-4 whitespace-nowrap">{row.lastChangedAt ? dateFormat.format(row.lastChangedAt) : '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        {pageCount > 1 && (
          <nav aria-label="Pages" className="mt-4 flex items-center justify-between text-sm">
            {page > 1 ? <Link href={`?page=${page - 1}`} className="hover:underline">← Previous</Link> : <span />}
            <span className="text-slate-500">Page {page} of {pageCount}</span>
            {page < pageCount ? <Link href={`?page=${page + 1}`} className="hover:underline">Next →</Link> : <span />}
          </nav>
        )}
      </Card>

      {manage && (
        <Card title="Settings">
          <SourceForm
            initial={{
              sourceId: source.id,
              kind: source.kind,
              url: source.url,
              name: source.name,
              include: source.crawl.include.join('\n'),
              exclude: source.crawl.exclude.join('\n'),
              maxPages: source.crawl.maxPages,
              maxDepth: source.crawl.maxDepth,
              sameSite: source.crawl.sameSite,
              schedule: source.schedule,
              cron: source.schedule === 'cron' ? (source.cron ?? '') : '',
              reviewChanges: source.reviewChanges,
              category: source.category ?? '',
              tags: source.tags.join(', '),
            }}
          />
          <div className="mt-6 border-t border-slate-200 pt-6 dark:border-slate-800">
            <ActionForm action={removeSourceAction} confirm={`Delete "${source.name}" and its ${pages.total} pages' documents?`}>
              <input type="hidden" name="sourceId" value={source.id} />
              <SubmitButton variant="danger" pendingLabel="Deleting…">Delete source and its documents</SubmitButton>
            </ActionForm>
          </div>
        </Card>
      )}
    </div>
  );
}
