import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { z } from 'zod';
import { Card } from '@/components/ui/card';
import { getRun, listResults } from '@/db/queries/evaluation';
import { withDashboardTenant } from '@/lib/auth/session';
import { droppedMetrics, pairResults, type QuestionChange } from '@/lib/evaluation/scoring';
import { MetricsTable, RunStatus, runLabel, Verdict } from '../display';
import { ResultDetails, ResultSummary } from '../result-details';

export const metadata: Metadata = { title: 'Compare runs' };

const querySchema = z.object({ before: z.uuid().optional().catch(undefined), after: z.uuid().optional().catch(undefined) });

const CHANGE_STYLES: Record<QuestionChange, string> = {
  regressed: 'bg-red-600 text-white',
  fixed: 'bg-emerald-600 text-white',
  'still failing': 'bg-red-100 text-red-800 dark:bg-red-950 dark:text-red-300',
  'still passing': 'bg-slate-100 text-slate-700 dark:bg-slate-800 dark:text-slate-300',
  'not comparable': 'bg-slate-100 text-slate-500 dark:bg-slate-800',
};

export default async function ComparePage({ searchParams }: { searchParams: Promise<Record<string, string | undefined>> }) {
  const query = querySchema.parse(await searchParams);
  if (!query.before || !query.after) notFound();
  const data = await withDashboardTenant(async (tx, { tenantId }) => {
    const [before, after] = [await getRun(tx, tenantId, query.before!), await getRun(tx, tenantId, query.after!)];
    if (!before || !after) return undefined;
    return { before, after, pairs: pairResults(await listResults(tx, tenantId, before.id), await listResults(tx, tenantId, after.id)) };
  });
  if (!data) notFound();
  const { before, after, pairs } = data;
  const regressed = pairs.filter((pair) => pair.change === 'regressed');
  const dropped = droppedMetrics(before.metrics, after.metrics);
  const sameSet = before.setId === after.setId;

  return (
    <div className="flex flex-col gap-6">
      <div>
        <Link href="/dashboard/evaluation" className="text-sm text-indigo-600 hover:underline dark:text-indigo-400">← Evaluation</Link>
        <h1 className="mt-2 text-2xl font-semibold">Compare runs</h1>
        <p className="mt-1 text-sm text-slate-600 dark:text-slate-400">
          <Link href={`/dashboard/evaluation/runs/${before.id}`} className="hover:underline">{runLabel(before)}</Link> <RunStatus run={before} /> →{' '}
          <Link href={`/dashboard/evaluation/runs/${after.id}`} className="hover:underline">{runLabel(after)}</Link> <RunStatus run={after} />
        </p>
        {!sameSet && <p className="mt-2 text-sm text-amber-700 dark:text-amber-300">These runs are of different test sets: only questions they share are compared one to one.</p>}
        {before.knowledge && after.knowledge && (before.knowledge.chunks !== after.knowledge.chunks || before.knowledge.embeddingModel !== after.knowledge.embeddingModel) && (
          <p className="mt-2 text-sm text-slate-600 dark:text-slate-400">
            The knowledge changed between them: {before.knowledge.documents} documents / {before.knowledge.chunks} passages ({before.knowledge.embeddingModel}) → {after.knowledge.documents} / {after.knowledge.chunks} ({after.knowledge.embeddingModel}).
          </p>
        )}
      </div>

      <div
        className={`rounded-md border px-4 py-3 text-sm ${regressed.length || dropped.length ? 'border-red-300 bg-red-50 text-red-900 dark:border-red-800 dark:bg-red-950 dark:text-red-200' : 'border-emerald-300 bg-emerald-50 text-emerald-900 dark:border-emerald-800 dark:bg-emerald-950 dark:text-emerald-200'}`}
        role="status"
        data-testid="comparison-summary"
      >
        {regressed.length || dropped.length
          ? `${regressed.length} question${regressed.length === 1 ? '' : 's'} regressed; ${dropped.length} metric${dropped.length === 1 ? '' : 's'} dropped.`
          : 'No regressions: no question that passed before fails now, and no metric dropped.'}
      </div>

      <Card title="Scores side by side">
        <MetricsTable columns={[{ label: `Before: ${before.personalityName} v${before.versionNumber}`, metrics: before.metrics }, { label: `After: ${after.personalityName} v${after.versionNumber}`, metrics: after.metrics }]} />
      </Card>

      <Card title="Question by question" description="Regressions first: questions that passed before and fail now.">
        <ol className="divide-y divide-slate-200 dark:divide-slate-800">
          {pairs.map((pair) => (
            <li key={pair.questionId} className="py-3" data-testid="comparison-row" data-change={pair.change}>
              <details>
                <summary className="flex cursor-pointer flex-wrap items-center gap-2">
                  <span className={`rounded px-1.5 py-0.5 text-xs font-medium ${CHANGE_STYLES[pair.change]}`}>{pair.change[0]!.toUpperCase() + pair.change.slice(1)}</span>
                  <span className="font-medium">{pair.question}</span>
                </summary>
                <div className="mt-3 grid gap-4 lg:grid-cols-2">
                  {(['before', 'after'] as const).map((side) => {
                    const result = pair[side];
                    return (
                      <div key={side} className="rounded-md border border-slate-200 p-3 dark:border-slate-800">
                        <p className="flex flex-wrap items-center gap-2 text-xs font-semibold text-slate-500 uppercase">
                          {side} {result && <Verdict passed={result.status === 'done' ? result.passed : null} />}
                        </p>
                        {result ? (
                          <>
                            <ResultSummary result={result} />
                            <ResultDetails result={result} />
                          </>
                        ) : (
                          <p className="text-sm text-slate-500">Not in this run.</p>
                        )}
                      </div>
                    );
                  })}
                </div>
              </details>
            </li>
          ))}
        </ol>
      </Card>
    </div>
  );
}
