import type { Metadata } from 'next';
import Link from 'next/link';
import { z } from 'zod';
import { AutoRefresh } from '@/components/auto-refresh';
import { buttonClasses } from '@/components/ui/button';
import { Card } from '@/components/ui/card';
import { listEvaluationSets, listRuns } from '@/db/queries/evaluation';
import { can } from '@/lib/auth/permissions';
import { withDashboardTenant } from '@/lib/auth/session';
import { formatCost } from '@/lib/format';
import { dateTime, passRate, RunStatus, runLabel, score } from './display';
import { TestSetForm } from './forms';

export const metadata: Metadata = { title: 'Evaluation' };

const PAGE_SIZE = 20;
const querySchema = z.object({ page: z.coerce.number().int().min(1).max(10_000).default(1).catch(1) });

export default async function EvaluationPage({ searchParams }: { searchParams: Promise<Record<string, string | undefined>> }) {
  const query = querySchema.parse(await searchParams);
  const { sets, runs, role } = await withDashboardTenant(async (tx, context) => ({
    sets: await listEvaluationSets(tx, context.tenantId),
    runs: await listRuns(tx, context.tenantId, { page: query.page, pageSize: PAGE_SIZE }),
    role: context.role,
  }));
  const pages = Math.max(1, Math.ceil(runs.total / PAGE_SIZE));
  const busy = runs.rows.some(({ run }) => run.status === 'queued' || run.status === 'running');
  const comparable = runs.rows.filter(({ run }) => run.status === 'completed' || run.status === 'cancelled' || run.status === 'failed');

  return (
    <div className="flex flex-col gap-6">
      <AutoRefresh active={busy} />
      <div>
        <h1 className="text-2xl font-semibold">Evaluation</h1>
        <p className="mt-1 max-w-3xl text-sm text-slate-600 dark:text-slate-400">
          Measure your assistant before you change it. A test set holds questions with the passages or the answer that should come back, or that it should decline.
          A run scores retrieval (recall, MRR, honest “no answer”) and, with a model configured, grades every answer for faithfulness and correct citations.
          Test a draft personality version, compare runs side by side, and see what got worse.
        </p>
      </div>

      <Card title={`Test sets (${sets.length})`}>
        {sets.length === 0 ? (
          <p className="text-sm text-slate-600 dark:text-slate-400">No test sets yet. {can(role, 'evaluation:manage') ? 'Create one below, then add questions by hand, import a CSV, or let a model write candidates from your knowledge.' : 'Owners and admins can create them.'}</p>
        ) : (
          <ul className="divide-y divide-slate-200 dark:divide-slate-800">
            {sets.map(({ set, questions, candidates, latestRun }) => (
              <li key={set.id} className="flex flex-wrap items-center justify-between gap-3 py-3" data-testid="test-set-row">
                <div>
                  <Link href={`/dashboard/evaluation/sets/${set.id}`} className="font-medium hover:underline">{set.name}</Link>
                  <p className="text-xs text-slate-600 dark:text-slate-400">
                    {questions} question{questions === 1 ? '' : 's'}
                    {candidates ? ` · ${candidates} candidate${candidates === 1 ? '' : 's'} to review` : ''}
                    {set.description ? ` · ${set.description}` : ''}
                  </p>
                </div>
                {latestRun ? (
                  <div className="flex items-center gap-2 text-xs text-slate-600 dark:text-slate-400">
                    <RunStatus run={latestRun} />
                    <Link href={`/dashboard/evaluation/runs/${latestRun.id}`} className="hover:underline">
                      Last run: {passRate(latestRun.metrics)} passed
                    </Link>
                  </div>
                ) : (
                  <span className="text-xs text-slate-500">Never run</span>
                )}
              </li>
            ))}
          </ul>
        )}
        {can(role, 'evaluation:manage') && (
          <div className="mt-6 border-t border-slate-200 pt-6 dark:border-slate-800">
            <h3 className="mb-3 text-sm font-semibold">New test set</h3>
            <TestSetForm />
          </div>
        )}
      </Card>

      <Card title={`Runs (${runs.total})`} description="Every run is kept. Pick two to compare them side by side.">
        {runs.rows.length === 0 ? (
          <p className="text-sm text-slate-600 dark:text-slate-400">No runs yet. Open a test set and run it against a personality version.</p>
        ) : (
          <>
            {comparable.length >= 2 && (
              <form action="/dashboard/evaluation/compare" className="mb-4 flex flex-wrap items-end gap-2" aria-label="Compare two runs">
                <label className="flex flex-col gap-1 text-xs font-medium">
                  Before
                  <select name="before" defaultValue={comparable[1]!.run.id} className="rounded-md border border-slate-300 bg-white px-2 py-2 text-sm dark:border-slate-700 dark:bg-slate-900">
                    {comparable.map(({ run, setName }) => (
                      <option key={run.id} value={run.id}>{`${setName} · ${runLabel(run)}`}</option>
                    ))}
                  </select>
                </label>
                <label className="flex flex-col gap-1 text-xs font-medium">
                  After
                  <select name="after" defaultValue={comparable[0]!.run.id} className="rounded-md border border-slate-300 bg-white px-2 py-2 text-sm dark:border-slate-700 dark:bg-slate-900">
                    {comparable.map(({ run, setName }) => (
                      <option key={run.id} value={run.id}>{`${setName} · ${runLabel(run)}`}</option>
                    ))}
                  </select>
                </label>
                <button type="submit" className={buttonClasses('secondary')}>Compare</button>
              </form>
            )}
            <div className="overflow-x-auto">
              <table className="w-full text-left text-sm">
                <thead className="text-xs text-slate-500 uppercase">
                  <tr>
                    <th scope="col" className="py-2 pr-4">Started</th>
                    <th scope="col" className="py-2 pr-4">Test set</th>
                    <th scope="col" className="py-2 pr-4">Personality</th>
                    <th scope="col" className="py-2 pr-4">Status</th>
                    <th scope="col" className="py-2 pr-4">Passed</th>
                    <th scope="col" className="py-2 pr-4">Recall@3</th>
                    <th scope="col" className="py-2 pr-4">Faithfulness</th>
                    <th scope="col" className="py-2 pr-4">Cost</th>
                  </tr>
                </thead>
                <tbody className="divide-y divide-slate-200 dark:divide-slate-800">
                  {runs.rows.map(({ run, setName }) => (
                    <tr key={run.id} data-testid="run-row">
                      <td className="py-2 pr-4 whitespace-nowrap">
                        <Link href={`/dashboard/evaluation/runs/${run.id}`} className="hover:underline">{dateTime.format(run.createdAt)}</Link>
                      </td>
                      <td className="py-2 pr-4">{setName}</td>
                      <td className="py-2 pr-4">{run.personalityName} v{run.versionNumber}</td>
                      <td className="py-2 pr-4"><RunStatus run={run} /></td>
                      <td className="py-2 pr-4 tabular-nums">{passRate(run.metrics)}</td>
                      <td className="py-2 pr-4 tabular-nums">{score(run.metrics?.recallAt3)}</td>
                      <td className="py-2 pr-4 tabular-nums">{score(run.metrics?.faithfulness)}</td>
                      <td className="py-2 pr-4 tabular-nums">{formatCost(run.costUsd)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
            {pages > 1 && (
              <nav className="mt-4 flex items-center justify-between text-sm" aria-label="Runs pages">
                {query.page > 1 ? <Link href={`/dashboard/evaluation?page=${query.page - 1}`} className="hover:underline">← Newer</Link> : <span />}
                <span className="text-slate-500">Page {query.page} of {pages}</span>
                {query.page < pages ? <Link href={`/dashboard/evaluation?page=${query.page + 1}`} className="hover:underline">Older →</Link> : <span />}
              </nav>
            )}
          </>
        )}
      </Card>
    </div>
  );
}
