import type { Metadata } from 'next';
import Link from 'next/link';
import { ActionForm } from '@/components/action-form';
import { buttonClasses } from '@/components/ui/button';
import { Card } from '@/components/ui/card';
import { SubmitButton } from '@/components/ui/submit-button';
import { type BudgetPeriod, COST_SERVICES } from '@/db/schema';
import { can } from '@/lib/auth/permissions';
import { withDashboardTenant } from '@/lib/auth/session';
import { loadCostsPage } from '@/lib/costs/page-data';
import { COST_GROUPINGS, type CostQuery, lastDays, parseCostQuery } from '@/lib/costs/range';
import { SERVICE_LABELS } from '@/lib/costs/services';
import { formatCost, formatUsd, percentOf } from '@/lib/format';
import { removeBudgetThresholdAction, resolveAlertAction } from './actions';
import { type ChartPeriod, CostChart } from './cost-chart';
import { ThresholdForm } from './threshold-form';

export const metadata: Metadata = { title: 'Costs' };

const dayLabel = new Intl.DateTimeFormat('en-US', { month: 'short', day: 'numeric', timeZone: 'UTC' });
const monthLabel = new Intl.DateTimeFormat('en-US', { month: 'short', year: 'numeric', timeZone: 'UTC' });
const dateTime = new Intl.DateTimeFormat('en-US', { dateStyle: 'medium', timeStyle: 'short', timeZone: 'UTC' });

function periodLabel(period: string, grouping: CostQuery['grouping']) {
  const date = new Date(`${period}T00:00:00Z`);
  if (grouping === 'month') return monthLabel.format(date);
  return grouping === 'week' ? `Week of ${dayLabel.format(date)}` : dayLabel.format(date);
}

const PERIOD_NOUNS: Record<BudgetPeriod, string> = { daily: 'day', weekly: 'week', monthly: 'month' };

const PRESETS = [
  { label: 'Last 7 days', days: 7 },
  { label: 'Last 30 days', days: 30 },
  { label: 'Last 90 days', days: 90 },
];

export default async function CostsPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const query = parseCostQuery(await searchParams);
  const data = await withDashboardTenant(async (tx, { tenantId, role }) => ({ ...(await loadCostsPage(tx, tenantId, query)), role }));
  const canManage = can(data.role, 'budgets:manage');
  const href = (changes: Partial<Record<'from' | 'to' | 'group', string>>) =>
    `/dashboard/costs?${new URLSearchParams({ from: query.from, to: query.to, group: query.grouping, ...changes })}`;
  const periods: ChartPeriod[] = data.series.map((row) => ({ ...row, label: periodLabel(row.period, query.grouping) }));
  const services = COST_SERVICES.filter((service) => periods.some((period) => period.costs[service]));
  const used = data.month.capUsd ? percentOf(data.month.spentUsd, data.month.capUsd) : null;
  const forecastOverCap = data.month.capUsd !== null && percentOf(data.month.forecastUsd, data.month.capUsd) >= 100;

  return (
    <div className="flex flex-col gap-6">
      <div className="flex flex-wrap items-end justify-between gap-3">
        <div>
          <h1 className="text-2xl font-semibold">Costs</h1>
          <p className="mt-1 text-sm text-slate-600 dark:text-slate-400">Every billable call, priced from the versioned price table. Days are UTC.</p>
        </div>
        <a href={`/dashboard/costs/export?${new URLSearchParams({ from: query.from, to: query.to })}`} className={buttonClasses('secondary')} download>
          Export CSV
        </a>
      </div>

      {/* Keyed by the query so the inputs show the range after a preset link navigates. */}
      <form key={`${query.from}/${query.to}/${query.grouping}`} method="get" className="flex flex-wrap items-end gap-3 rounded-xl border border-slate-200 bg-white p-4 dark:border-slate-800 dark:bg-slate-900">
        <div className="flex flex-col gap-1">
          <label htmlFor="from" className="text-xs font-medium text-slate-600 dark:text-slate-400">From</label>
          <input id="from" name="from" type="date" defaultValue={query.from} className="rounded-md border border-slate-300 bg-white px-2 py-1.5 text-sm dark:border-slate-700 dark:bg-slate-900" />
        </div>
        <div className="flex flex-col gap-1">
          <label htmlFor="to" className="text-xs font-medium text-slate-600 dark:text-slate-400">To</label>
          <input id="to" name="to" type="date" defaultValue={query.to} className="rounded-md border border-slate-300 bg-white px-2 py-1.5 text-sm dark:border-slate-700 dark:bg-slate-900" />
        </div>
        <div className="flex flex-col gap-1">
          <label htmlFor="group" className="text-xs font-medium text-slate-600 dark:text-slate-400">Group by</label>
          <select id="group" name="group" defaultValue={query.grouping} className="rounded-md border border-slate-300 bg-white px-2 py-1.5 text-sm dark:border-slate-700 dark:bg-slate-900">
            {COST_GROUPINGS.map((grouping) => (
              <option key={grouping} value={grouping}>{grouping[0]!.toUpperCase() + grouping.slice(1)}</option>
            ))}
          </select>
        </div>
        <button type="submit" className={buttonClasses('primary')}>Apply</button>
        <nav aria-label="Date range presets" className="flex flex-wrap gap-1 text-sm">
          {PRESETS.map((preset) => {
            const range = lastDays(preset.days);
            const active = range.from === query.from && range.to === query.to;
            return (
              <Link key={preset.days} href={href(range)} aria-current={active ? 'true' : undefined}
                className={`rounded-md px-2 py-1.5 ${active ? 'bg-indigo-50 font-medium text-indigo-700 dark:bg-indigo-950 dark:text-indigo-300' : 'text-slate-600 hover:bg-slate-100 dark:text-slate-400 dark:hover:bg-slate-800'}`}>
                {preset.label}
              </Link>
            );
          })}
        </nav>
      </form>

      <dl className="grid gap-4 sm:grid-cols-3">
        <div className="rounded-xl border border-slate-200 bg-white p-5 shadow-sm dark:border-slate-800 dark:bg-slate-900">
          <dt className="text-sm text-slate-600 dark:text-slate-400">Spend in range</dt>
          <dd className="mt-2 text-2xl font-semibold tabular-nums" data-testid="range-total">{formatUsd(data.total.costUsd)}</dd>
          <dd className="mt-1 text-xs text-slate-500">{data.total.events.toLocaleString('en-US')} billable events over {query.days} days</dd>
        </div>
        <div className="rounded-xl border border-slate-200 bg-white p-5 shadow-sm dark:border-slate-800 dark:bg-slate-900">
          <dt className="text-sm text-slate-600 dark:text-slate-400">This month</dt>
          <dd className="mt-2 text-2xl font-semibold tabular-nums">{formatUsd(data.month.spentUsd)}</dd>
          <dd className="mt-1 text-xs text-slate-500">
            {data.month.capUsd ? `${used}% of the ${formatUsd(data.month.capUsd)} monthly cap` : 'No monthly cap: set one in Settings'}
          </dd>
          {data.month.capUsd && (
            <dd className="mt-3 h-2 overflow-hidden rounded-full bg-slate-100 dark:bg-slate-800" aria-hidden>
              <div className={`h-full ${used !== null && used >= 100 ? 'bg-red-500' : used !== null && used >= 80 ? 'bg-amber-500' : 'bg-indigo-500'}`}
                style={{ width: `${Math.min(100, used ?? 0)}%` }} />
            </dd>
          )}
        </div>
        <div className="rounded-xl border border-slate-200 bg-white p-5 shadow-sm dark:border-slate-800 dark:bg-slate-900">
          <dt className="text-sm text-slate-600 dark:text-slate-400">Forecast for the month</dt>
          <dd className={`mt-2 text-2xl font-semibold tabular-nums ${forecastOverCap ? 'text-red-600 dark:text-red-400' : ''}`}>{formatUsd(data.month.forecastUsd)}</dd>
          <dd className="mt-1 text-xs text-slate-500">
            {forecastOverCap ? 'At this pace the cap is reached before the month ends: public chat will pause then.' : 'At the pace of the month so far.'}
          </dd>
        </div>
      </dl>

      <Card title="Spend by service" description={`Per ${query.grouping}, ${query.from} to ${query.to}.`}>
        {data.total.events === 0 ? (
          <p className="py-10 text-center text-sm text-slate-500" data-testid="costs-empty">
            No costs in this range. Costs appear as soon as the assistant answers, documents are indexed, or agents report usage through the API.
          </p>
        ) : (
          <CostChart periods={periods} services={services} />
        )}
      </Card>

      <div className="grid gap-6 xl:grid-cols-2">
        <Card title="By provider and model">
          {data.byModel.length === 0 ? (
            <p className="text-sm text-slate-500">Nothing billed in this range.</p>
          ) : (
            <div className="overflow-x-auto">
              <table className="w-full text-left text-sm" data-testid="costs-by-model">
                <thead className="text-xs text-slate-500 uppercase">
                  <tr>
                    <th scope="col" className="py-2 pr-4">Service</th>
                    <th scope="col" className="py-2 pr-4">Provider / model</th>
                    <th scope="col" className="py-2 pr-4 text-right">Events</th>
                    <th scope="col" className="py-2 text-right">Cost</th>
                  </tr>
                </thead>
                <tbody className="divide-y divide-slate-200 dark:divide-slate-800">
                  {data.byModel.map((row) => (
                    <tr key={`${row.service}/${row.provider}/${row.model}`}>
                      <td className="py-2 pr-4">{SERVICE_LABELS[row.service] ?? row.service}</td>
                      <td className="py-2 pr-4 font-mono text-xs">{row.provider} / {row.model ?? '—'}</td>
                      <td className="py-2 pr-4 text-right tabular-nums">{row.events.toLocaleString('en-US')}</td>
                      <td className="py-2 text-right tabular-nums">{formatCost(row.costUsd)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </Card>

        <Card title="Most expensive conversations" description="Started in the range.">
          {data.sessions.length === 0 ? (
            <p className="text-sm text-slate-500">No conversations with costs in this range.</p>
          ) : (
            <ol className="divide-y divide-slate-200 text-sm dark:divide-slate-800">
              {data.sessions.map((session) => (
                <li key={session.id} className="flex items-center justify-between gap-3 py-2">
                  <Link href={`/dashboard/conversations/${session.id}`} className="min-w-0 truncate text-indigo-600 hover:underline dark:text-indigo-400">
                    {dateTime.format(session.createdAt)} · {session.source} · {session.messageCount} messages
                  </Link>
                  <span className="tabular-nums">{formatCost(session.costUsd)}</span>
                </li>
              ))}
            </ol>
          )}
        </Card>
      </div>

      <Card
        title="Budget alerts"
        description="Raised once per threshold and period by the cost job (every minute), and emailed to owners and admins when SMTP is configured. At 100% of the monthly cap the public chat pauses until the cap is raised or the month ends."
      >
        {data.alerts.length === 0 ? (
          <p className="text-sm text-slate-500">No alerts yet.</p>
        ) : (
          <ul className="divide-y divide-slate-200 text-sm dark:divide-slate-800" data-testid="budget-alerts">
            {data.alerts.map((alert) => (
              <li key={alert.id} className="flex flex-wrap items-center justify-between gap-3 py-2">
                <span className="flex items-center gap-2">
                  <span className={`rounded-full px-2 py-0.5 text-xs font-medium ${alert.severity === 'critical' ? 'bg-red-100 text-red-800 dark:bg-red-950 dark:text-red-200' : 'bg-amber-100 text-amber-800 dark:bg-amber-950 dark:text-amber-200'}`}>
                    {alert.severity}
                  </span>
                  <span className={alert.resolved ? 'text-slate-500' : ''}>
                    {formatUsd(alert.currentSpend)} spent, {alert.metadata.customMessage ?? `${alert.period} budget`} ({formatUsd(alert.threshold)}) · {dateTime.format(alert.triggeredAt)}
                  </span>
                </span>
                {alert.resolved ? (
                  <span className="text-xs text-slate-500">Resolved</span>
                ) : (
                  canManage && (
                    <ActionForm action={resolveAlertAction}>
                      <input type="hidden" name="alertId" value={alert.id} />
                      <SubmitButton variant="secondary" pendingLabel="Resolving…">Resolve</SubmitButton>
                    </ActionForm>
                  )
                )}
              </li>
            ))}
          </ul>
        )}
        <h3 className="mt-6 text-sm font-semibold">Thresholds</h3>
        {data.thresholds.length === 0 ? (
          <p className="mt-2 text-sm text-slate-500">No thresholds: set a monthly cap in Settings for the 80% and 100% alerts, or add your own below.</p>
        ) : (
          <ul className="mt-2 flex flex-col gap-1 text-sm">
            {data.thresholds.map((threshold) => {
              return (
                <li key={threshold.id ?? threshold.label} className="flex items-center justify-between gap-3">
                  <span>
                    {threshold.severity === 'critical' ? 'Critical' : 'Warning'} at {formatUsd(threshold.amountUsd)} per {PERIOD_NOUNS[threshold.period]} · <span className="text-slate-500">{threshold.label}</span>
                  </span>
                  {threshold.id && canManage && (
                    <ActionForm action={removeBudgetThresholdAction} confirm="Remove this threshold?">
                      <input type="hidden" name="thresholdId" value={threshold.id} />
                      <SubmitButton variant="ghost" pendingLabel="Removing…">Remove</SubmitButton>
                    </ActionForm>
                  )}
                </li>
              );
            })}
          </ul>
        )}
        {canManage && <ThresholdForm />}
      </Card>
    </div>
  );
}
