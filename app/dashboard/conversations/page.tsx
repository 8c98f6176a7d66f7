import type { Metadata } from 'next';
import Link from 'next/link';
import { Card } from '@/components/ui/card';
import { FilterSelect } from '@/components/ui/filter-select';
import { listConversations } from '@/db/queries/conversations';
import { listWidgets } from '@/db/queries/widgets';
import { SESSION_MODES, SESSION_SOURCES } from '@/db/schema';
import { withDashboardTenant } from '@/lib/auth/session';
import { formatUsdExact } from '@/lib/format';
import { conversationFilters, conversationQueryString, decodeCursor, encodeCursor, parseConversationQuery } from './filters';
import { SourceBadge } from './source-badge';

export const metadata: Metadata = { title: 'Conversations' };

const PAGE_SIZE = 25;
const dateTime = new Intl.DateTimeFormat('en-US', { dateStyle: 'medium', timeStyle: 'short' });

export default async function ConversationsPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const query = parseConversationQuery(await searchParams);
  const { page, widgets } = await withDashboardTenant(async (tx, context) => ({
    page: await listConversations(tx, context.tenantId, conversationFilters(query), decodeCursor(query.after), PAGE_SIZE),
    widgets: await listWidgets(tx, context.tenantId),
  }));
  const filtered = Boolean(query.widget || query.mode || query.source || query.from || query.to);
  const exportQuery = conversationQueryString({ ...query, after: undefined });

  return (
    <div className="flex flex-col gap-6">
      <div className="flex flex-wrap items-end justify-between gap-3">
        <div>
          <h1 className="text-2xl font-semibold">Conversations</h1>
          <p className="mt-1 text-sm text-slate-600 dark:text-slate-400">What visitors asked on your widgets, and what you tried in the playground.</p>
        </div>
        <div className="flex gap-3 text-sm font-medium">
          <a href={`/dashboard/conversations/export${exportQuery}${exportQuery ? '&' : '?'}format=csv`} className="text-indigo-600 hover:underline dark:text-indigo-400">Export CSV</a>
          <a href={`/dashboard/conversations/export${exportQuery}${exportQuery ? '&' : '?'}format=json`} className="text-indigo-600 hover:underline dark:text-indigo-400">Export JSON</a>
        </div>
      </div>
      <Card>
        <form className="mb-4 grid gap-3 sm:grid-cols-4" role="search" aria-label="Filter conversations">
          <label className="sr-only" htmlFor="filter-widget">Widget</label>
          <select id="filter-widget" name="widget" defaultValue={query.widget ?? ''} className="rounded-md border border-slate-300 bg-white px-2 py-2 text-sm sm:col-span-2 dark:border-slate-700 dark:bg-slate-900">
            <option value="">Any widget</option>
            {widgets.map((widget) => (
              <option key={widget.id} value={widget.id}>{widget.name}</option>
            ))}
          </select>
          <FilterSelect id="filter-source" name="source" label="Source" anyLabel="Any source" options={SESSION_SOURCES} value={query.source} />
          <FilterSelect id="filter-mode" name="mode" label="Mode" anyLabel="Any mode" options={SESSION_MODES} value={query.mode} />
          <label className="flex items-center gap-2 text-sm sm:col-span-2">
            <span className="text-slate-500">From</span>
            <input type="date" name="from" defaultValue={query.from} className="min-w-0 flex-1 rounded-md border border-slate-300 bg-white px-2 py-1.5 dark:border-slate-700 dark:bg-slate-900" />
          </label>
          <div className="flex gap-2 sm:col-span-2">
            <label className="flex min-w-0 flex-1 items-center gap-2 text-sm">
              <span className="text-slate-500">To</span>
              <input type="date" name="to" defaultValue={query.to} className="min-w-0 flex-1 rounded-md border border-slate-300 bg-white px-2 py-1.5 dark:border-slate-700 dark:bg-slate-900" />
            </label>
            <button type="submit" className="rounded-md border border-slate-300 px-3 text-sm dark:border-slate-700">Filter</button>
          </div>
        </form>

        {page.rows.length === 0 ? (
          <p className="py-6 text-center text-sm text-slate-600 dark:text-slate-400">
            {filtered ? (
              <>No conversations match these filters. <Link href="/dashboard/conversations" className="text-indigo-600 hover:underline dark:text-indigo-400">Clear filters</Link></>
            ) : (
              <>No conversations yet. Embed a widget from <Link href="/dashboard/widgets" className="text-indigo-600 hover:underline dark:text-indigo-400">Widgets</Link> and visitors’ chats appear here.</>
            )}
          </p>
        ) : (
          <div className="overflow-x-auto">
            <table className="w-full text-left text-sm">
              <thead className="text-xs text-slate-500 uppercase">
                <tr>
                  <th scope="col" className="py-2 pr-4">Started</th>
                  <th scope="col" className="py-2 pr-4">First question</th>
                  <th scope="col" className="py-2 pr-4">Source</th>
                  <th scope="col" className="py-2 pr-4 text-right">Messages</th>
                  <th scope="col" className="py-2 text-right">Cost</th>
                </tr>
              </thead>
              <tbody className="divide-y divide-slate-200 dark:divide-slate-800">
                {page.rows.map((row) => (
                  <tr key={row.id} data-testid="conversation-row">
                    <td className="py-2 pr-4 whitespace-nowrap">
                      <Link href={`/dashboard/conversations/${row.id}`} className="text-indigo-600 hover:underline dark:text-indigo-400">
                        {dateTime.format(row.createdAt)}
                      </Link>
                    </td>
                    <td className="max-w-xs truncate py-2 pr-4">{row.firstQuestion ?? <span className="text-slate-400">No messages</span>}</td>
                    <td className="py-2 pr-4"><SourceBadge source={row.source} widgetName={row.widgetName} mode={row.mode} /></td>
                    <td className="py-2 pr-4 text-right tabular-nums">{row.messageCount}</td>
                    <td className="py-2 text-right tabular-nums">{formatUsdExact(row.costUsd)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        <nav aria-label="Pages" className="mt-4 flex justify-between text-sm">
          {query.after ? <Link href={`/dashboard/conversations${conversationQueryString({ ...query, after: undefined })}`} className="text-indigo-600 hover:underline dark:text-indigo-400">← Newest</Link> : <span />}
          {page.next && (
            <Link href={`/dashboard/conversations${conversationQueryString(query, { after: encodeCursor(page.next) })}`} className="text-indigo-600 hover:underline dark:text-indigo-400">
              Older →
            </Link>
          )}
        </nav>
      </Card>
    </div>
  );
}
