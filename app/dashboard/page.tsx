import type { Metadata } from 'next';
import Link from 'next/link';
import { Card } from '@/components/ui/card';
import { getOverviewStats } from '@/db/queries/overview';
import { countFailingWork } from '@/db/queries/sources';
import { withDashboardTenant } from '@/lib/auth/session';
import { formatUsd, percentOf } from '@/lib/format';

export const metadata: Metadata = { title: 'Overview' };

function Stat({ label, value, detail }: { label: string; value: string; detail?: string }) {
  return (
    <div className="rounded-xl border border-slate-200 bg-white p-5 shadow-sm dark:border-slate-800 dark:bg-slate-900">
      <dt className="text-sm text-slate-600 dark:text-slate-400">{label}</dt>
      <dd className="mt-2 text-2xl font-semibold tabular-nums">{value}</dd>
      {detail && <dd className="mt-1 text-xs text-slate-500">{detail}</dd>}
    </div>
  );
}

export default async function OverviewPage() {
  const { stats, failing } = await withDashboardTenant(async (tx, { tenantId }) => ({
    stats: await getOverviewStats(tx, tenantId),
    failing: await countFailingWork(tx, tenantId),
  }));
  const used = stats.spend.capUsd ? percentOf(stats.spend.monthToDateUsd, stats.spend.capUsd) : null;
  const nothingYet = stats.conversations.last30Days === 0 && stats.documents.total === 0;

  return (
    <div className="flex flex-col gap-6">
      <h1 className="text-2xl font-semibold">Overview</h1>
      {failing.documents + failing.syncs > 0 && (
        <div role="alert" className="rounded-lg border border-red-200 bg-red-50 px-4 py-3 text-sm text-red-900 dark:border-red-900 dark:bg-red-950 dark:text-red-200">
          Knowledge needs attention:{' '}
          {[
            failing.syncs && `${failing.syncs} ${failing.syncs === 1 ? 'source' : 'sources'} failed to sync`,
            failing.documents && `${failing.documents} ${failing.documents === 1 ? 'document' : 'documents'} failed to index`,
          ]
            .filter(Boolean)
            .join(' and ')}
          .{' '}
          <Link href="/dashboard/knowledge" className="font-medium underline">See why and retry →</Link>
        </div>
      )}
      {nothingYet && (
        <Card title="Welcome" description="Your workspace is ready. Invite your team, then add the knowledge your assistant should answer from.">
          <Link href="/dashboard/team" className="text-sm font-medium text-indigo-600 hover:underline dark:text-indigo-400">
            Invite teammates →
          </Link>
        </Card>
      )}
      <dl className="grid gap-4 sm:grid-cols-2 xl:grid-cols-3">
        <Stat
          label="Conversations, last 7 days"
          value={stats.conversations.last7Days.toLocaleString('en-US')}
          detail={`${stats.conversations.last30Days.toLocaleString('en-US')} in the last 30 days`}
        />
        <Stat
          label="Messages, last 7 days"
          value={stats.messages.last7Days.toLocaleString('en-US')}
          detail={`${stats.messages.last30Days.toLocaleString('en-US')} in the last 30 days`}
        />
        <Stat
          label="Spend this month"
          value={formatUsd(stats.spend.monthToDateUsd)}
          detail={
            stats.spend.capUsd
              ? `${used === 0 && stats.spend.monthToDateUsd !== '0.00' ? 'Under 1' : used}% of the ${formatUsd(stats.spend.capUsd)} monthly cap`
              : 'No monthly cap set (Settings)'
          }
        />
        <Stat
          label="Knowledge documents"
          value={stats.documents.total.toLocaleString('en-US')}
          detail={`${stats.documents.ready.toLocaleString('en-US')} ready to answer from`}
        />
        <Stat
          label="Active widgets"
          value={stats.widgets.active.toLocaleString('en-US')}
          detail={`${stats.widgets.total.toLocaleString('en-US')} in total`}
        />
      </dl>
    </div>
  );
}
