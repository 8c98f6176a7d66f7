import type { SourceSync } from '@/db/schema';

const STYLES: Record<SourceSync['status'], string> = {
  queued: 'bg-slate-100 text-slate-700 dark:bg-slate-800 dark:text-slate-300',
  running: 'bg-amber-100 text-amber-800 dark:bg-amber-950 dark:text-amber-300',
  done: 'bg-emerald-100 text-emerald-800 dark:bg-emerald-950 dark:text-emerald-300',
  failed: 'bg-red-100 text-red-800 dark:bg-red-950 dark:text-red-300',
};

/** A sync's state as a person reads it: queued, running with progress, done with what changed, failed with the reason. */
export function SyncBadge({ sync }: { sync: SourceSync | null }) {
  if (!sync) return <span className="text-xs text-slate-500">Never synced</span>;
  const label =
    sync.status === 'running'
      ? `Running · ${sync.pagesDone} of ${sync.pagesFound} pages`
      : sync.status === 'queued'
        ? 'Queued'
        : sync.status === 'done'
          ? 'Done'
          : 'Failed';
  const percent = sync.pagesFound ? Math.round((100 * sync.pagesDone) / sync.pagesFound) : 0;
  const summary = [
    sync.pagesNew && `${sync.pagesNew} new`,
    sync.pagesChanged && `${sync.pagesChanged} changed`,
    sync.pagesUnchanged && `${sync.pagesUnchanged} unchanged`,
    sync.pagesRetired && `${sync.pagesRetired} retired`,
    sync.pagesFailed && `${sync.pagesFailed} failed`,
    sync.pagesSkipped && `${sync.pagesSkipped} skipped`,
    sync.truncated && 'page cap reached',
  ].filter(Boolean);
  return (
    <div className="flex flex-col gap-1">
      <span className={`inline-flex w-fit items-center rounded-full px-2 py-0.5 text-xs font-medium ${STYLES[sync.status]}`} data-testid="sync-status">
        {label}
      </span>
      {sync.status === 'running' && (
        <span className="h-1 w-28 overflow-hidden rounded bg-slate-200 dark:bg-slate-800" role="progressbar" aria-label="Sync progress" aria-valuenow={percent} aria-valuemin={0} aria-valuemax={100}>
          <span className="block h-full bg-amber-500" style={{ width: `${percent}%` }} />
        </span>
      )}
      {summary.length > 0 && sync.status !== 'queued' && <span className="text-xs text-slate-600 dark:text-slate-400">{summary.join(' · ')}</span>}
      {sync.statusReason && <span className="max-w-xs text-xs text-slate-600 dark:text-slate-400">{sync.statusReason}</span>}
    </div>
  );
}
