import type { EvaluationMetrics, EvaluationRun } from '@/db/schema';
import { COMPARED_METRICS, type ComparedMetric, droppedMetrics, metricValue } from '@/lib/evaluation/scoring';

// Small pieces the evaluation pages share: statuses, scores, and metric tables with deltas.

const STATUS_TONES: Record<EvaluationRun['status'], string> = {
  queued: 'bg-slate-100 text-slate-700 dark:bg-slate-800 dark:text-slate-300',
  running: 'bg-sky-100 text-sky-800 dark:bg-sky-950 dark:text-sky-300',
  completed: 'bg-emerald-100 text-emerald-800 dark:bg-emerald-950 dark:text-emerald-300',
  failed: 'bg-red-100 text-red-800 dark:bg-red-950 dark:text-red-300',
  cancelled: 'bg-amber-100 text-amber-800 dark:bg-amber-950 dark:text-amber-300',
};

export function RunStatus({ run }: { run: Pick<EvaluationRun, 'status' | 'completed' | 'total'> }) {
  const label = run.status === 'running' ? `Running ${run.completed}/${run.total}` : run.status === 'queued' ? 'Queued' : run.status[0]!.toUpperCase() + run.status.slice(1);
  return (
    <span className={`inline-flex rounded-full px-2 py-0.5 text-xs font-medium ${STATUS_TONES[run.status]}`} data-status={run.status}>
      {label}
    </span>
  );
}

export const score = (value: number | null | undefined) => (value === null || value === undefined ? '—' : value.toFixed(2));

export function passRate(metrics: EvaluationMetrics | null | undefined): string {
  if (!metrics || !metrics.scored) return '—';
  return `${metrics.passed}/${metrics.scored} (${Math.round((100 * metrics.passed) / metrics.scored)}%)`;
}

export function Verdict({ passed }: { passed: boolean | null }) {
  if (passed === null) return <span className="text-xs text-slate-500">not scored</span>;
  return passed ? (
    <span className="rounded bg-emerald-100 px-1.5 py-0.5 text-xs font-medium text-emerald-800 dark:bg-emerald-950 dark:text-emerald-300">Pass</span>
  ) : (
    <span className="rounded bg-red-100 px-1.5 py-0.5 text-xs font-medium text-red-800 dark:bg-red-950 dark:text-red-300">Fail</span>
  );
}

function metricText(metrics: EvaluationMetrics | null | undefined, metric: ComparedMetric) {
  return metric.key === 'passRate' ? passRate(metrics) : score(metricValue(metrics, metric.key));
}

/**
 * Metrics of several runs side by side, the first as the baseline: each later column shows its
 * change, and a drop is highlighted.
 */
export function MetricsTable({ columns }: { columns: Array<{ label: React.ReactNode; metrics: EvaluationMetrics | null | undefined }> }) {
  const baseline = columns[0]?.metrics;
  const shown = COMPARED_METRICS.filter((metric) => columns.some((column) => metricValue(column.metrics, metric.key) !== null));
  if (shown.length === 0) return <p className="text-sm text-slate-600 dark:text-slate-400">No scores yet.</p>;
  return (
    <div className="overflow-x-auto">
      <table className="w-full text-left text-sm" data-testid="metrics-table">
        <thead className="text-xs text-slate-500 uppercase">
          <tr>
            <th scope="col" className="py-2 pr-4">Metric</th>
            {columns.map((column, index) => (
              <th key={index} scope="col" className="py-2 pr-4">{column.label}</th>
            ))}
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-200 dark:divide-slate-800">
          {shown.map((metric) => (
            <tr key={metric.key} data-metric={metric.key}>
              <th scope="row" className="py-2 pr-4 font-medium" title={metric.hint}>
                {metric.label}
                <span className="block text-xs font-normal text-slate-500">{metric.hint}</span>
              </th>
              {columns.map((column, index) => {
                const dropped = index > 0 && droppedMetrics(baseline, column.metrics).includes(metric.key);
                const before = metricValue(baseline, metric.key);
                const now = metricValue(column.metrics, metric.key);
                const delta = index > 0 && before !== null && now !== null ? now - before : null;
                return (
                  <td key={index} className={`py-2 pr-4 tabular-nums ${dropped ? 'bg-red-50 font-semibold text-red-800 dark:bg-red-950 dark:text-red-200' : ''}`} data-dropped={dropped || undefined}>
                    {metricText(column.metrics, metric)}
                    {delta !== null && Math.abs(delta) > 1e-9 && (
                      <span className={`ml-2 text-xs ${delta < 0 ? 'text-red-700 dark:text-red-300' : 'text-emerald-700 dark:text-emerald-300'}`}>
                        {delta > 0 ? '+' : '−'}
                        {Math.abs(delta).toFixed(2)}
                        {delta < 0 && <span className="sr-only"> (dropped)</span>}
                      </span>
                    )}
                  </td>
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export const dateTime = new Intl.DateTimeFormat('en-US', { dateStyle: 'medium', timeStyle: 'short' });

export function runLabel(run: Pick<EvaluationRun, 'personalityName' | 'versionNumber' | 'createdAt'>) {
  return `${run.personalityName} v${run.versionNumber} · ${dateTime.format(run.createdAt)}`;
}
