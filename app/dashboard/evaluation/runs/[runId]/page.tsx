import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { z } from 'zod';
import { ActionForm } from '@/components/action-form';
import { AutoRefresh } from '@/components/auto-refresh';
import { buttonClasses } from '@/components/ui/button';
import { Card } from '@/components/ui/card';
import { SubmitButton } from '@/components/ui/submit-button';
import { getEvaluationSet, getPreviousCompletedRun, getRun, listResults } from '@/db/queries/evaluation';
import { can } from '@/lib/auth/permissions';
import { withDashboardTenant } from '@/lib/auth/session';
import { pairResults, summarizeResults } from '@/lib/evaluation/scoring';
import { formatCost } from '@/lib/format';
import { cancelRunAction, removeRunAction } from '../../actions';
import { dateTime, MetricsTable, RunStatus, runLabel, Verdict } from '../../display';
import { ResultDetails, ResultSummary } from '../../result-details';

export const metadata: Metadata = { title: 'Evaluation run' };

export default async function RunPage({ params }: { params: Promise<{ runId: string }> }) {
  const id = z.uuid().safeParse((await params).runId);
  if (!id.success) notFound();
  const data = await withDashboardTenant(async (tx, { tenantId, role }) => {
    const run = await getRun(tx, tenantId, id.data);
    if (!run) return undefined;
    const previous = await getPreviousCompletedRun(tx, tenantId, run);
    return {
      run,
      role,
      set: await getEvaluationSet(tx, tenantId, run.setId),
      results: await listResults(tx, tenantId, run.id),
      previous,
      previousResults: previous ? await listResults(tx, tenantId, previous.id) : [],
    };
  });
  if (!data) notFound();
  const { run, role, set, results, previous, previousResults } = data;
  const active = run.status === 'queued' || run.status === 'running';
  // Scores so far while running; the stored summary once it has ended.
  const metrics = active ? summarizeResults(results) : run.metrics;
  const changes = new Map(pairResults(previousResults, results).map((pair) => [pair.questionId, pair.change]));
  const regressions = results.filter((result) => changes.get(result.questionId) === 'regressed');
  const progress = run.total ? Math.round((100 * run.completed) / run.total) : 100;

  return (
    <div className="flex flex-col gap-6">
      <AutoRefresh active={active} />
      <div className="flex flex-wrap items-end justify-between gap-4">
        <div>
          <Link href={`/dashboard/evaluation/sets/${run.setId}`} className="text-sm text-indigo-600 hover:underline dark:text-indigo-400">← {set?.name ?? 'Test set'}</Link>
          <h1 className="mt-2 text-2xl font-semibold">
            {run.personalityName} v{run.versionNumber} <span className="text-base font-normal text-slate-500">on {set?.name}</span>
          </h1>
          <p className="mt-1 text-sm text-slate-600 dark:text-slate-400">
            Started {dateTime.format(run.createdAt)} ·{' '}
            {run.judgeModel ? `answers by ${run.answerModel ?? 'the version’s model'}, graded by ${run.judgeModel}` : 'retrieval only'}
            {run.knowledge && ` · ${run.knowledge.documents} documents, ${run.knowledge.chunks} passages (${run.knowledge.embeddingModel})`} · model calls {formatCost(run.costUsd)}
          </p>
        </div>
        <div className="flex flex-wrap gap-2">
          {previous && <Link href={`/dashboard/evaluation/compare?before=${previous.id}&after=${run.id}`} className={buttonClasses('secondary')}>Compare with the previous run</Link>}
          {active && can(role, 'evaluation:run') && (
            <ActionForm action={cancelRunAction} confirm="Stop this run? The questions it finished are kept.">
              <input type="hidden" name="runId" value={run.id} />
              <SubmitButton variant="secondary" pendingLabel="Stopping…">Cancel run</SubmitButton>
            </ActionForm>
          )}
          {!active && can(role, 'evaluation:manage') && (
            <ActionForm action={removeRunAction} confirm="Delete this run and its results?">
              <input type="hidden" name="runId" value={run.id} />
              <input type="hidden" name="from" value="run" />
              <SubmitButton variant="ghost" pendingLabel="Deleting…">Delete run</SubmitButton>
            </ActionForm>
          )}
        </div>
      </div>

      <Card>
        <div className="flex flex-col gap-2" data-testid="run-progress">
          <div className="flex items-center justify-between text-sm">
            <RunStatus run={run} />
            <span className="tabular-nums">{run.completed} of {run.total} questions</span>
          </div>
          <div className="h-2 overflow-hidden rounded-full bg-slate-200 dark:bg-slate-800" role="progressbar" aria-valuemin={0} aria-valuemax={100} aria-valuenow={progress} aria-label="Run progress">
            <div className="h-full bg-indigo-600" style={{ width: `${progress}%` }} />
          </div>
          {run.error && <p className="text-sm text-red-700 dark:text-red-300" role="alert">{run.error}</p>}
        </div>
      </Card>

      {regressions.length > 0 && (
        <div className="rounded-md border border-red-300 bg-red-50 px-4 py-3 text-sm text-red-900 dark:border-red-800 dark:bg-red-950 dark:text-red-200" role="status" data-testid="regressions">
          <strong>{regressions.length} question{regressions.length === 1 ? '' : 's'} passed in the previous run ({previous && runLabel(previous)}) and fail{regressions.length === 1 ? 's' : ''} now:</strong>
          <ul className="mt-1 list-disc pl-5">
            {regressions.map((result) => <li key={result.id}>{result.question}</li>)}
          </ul>
        </div>
      )}

      <Card title="Scores" description={previous ? 'Against the previous completed run of this set; drops are highlighted.' : undefined}>
        <MetricsTable
          columns={[
            ...(previous ? [{ label: <Link href={`/dashboard/evaluation/runs/${previous.id}`} className="hover:underline">Previous: {runLabel(previous)}</Link>, metrics: previous.metrics }] : []),
            { label: 'This run', metrics },
          ]}
        />
      </Card>

      <Card title="Questions">
        <ol className="divide-y divide-slate-200 dark:divide-slate-800">
          {results.map((result) => {
            const change = changes.get(result.questionId);
            return (
              <li key={result.id} className="py-3" data-testid="result-row" data-change={change}>
                <details>
                  <summary className="flex cursor-pointer flex-wrap items-center gap-2">
                    <Verdict passed={result.status === 'done' ? result.passed : null} />
                    {change === 'regressed' && <span className="rounded bg-red-600 px-1.5 py-0.5 text-xs font-medium text-white">Regressed</span>}
                    {change === 'fixed' && <span className="rounded bg-emerald-600 px-1.5 py-0.5 text-xs font-medium text-white">Fixed</span>}
                    <span className="font-medium">{result.question}</span>
                    <ResultSummary result={result} />
                  </summary>
                  <ResultDetails result={result} />
                </details>
              </li>
            );
          })}
        </ol>
      </Card>
    </div>
  );
}
