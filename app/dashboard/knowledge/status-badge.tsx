import type { KnowledgeDocument } from '@/db/schema';

const STYLES: Record<KnowledgeDocument['status'], string> = {
  queued: 'bg-slate-100 text-slate-700 dark:bg-slate-800 dark:text-slate-300',
  processing: 'bg-amber-100 text-amber-800 dark:bg-amber-950 dark:text-amber-300',
  ready: 'bg-emerald-100 text-emerald-800 dark:bg-emerald-950 dark:text-emerald-300',
  failed: 'bg-red-100 text-red-800 dark:bg-red-950 dark:text-red-300',
};

export function StatusBadge({ status, progress, reason }: { status: KnowledgeDocument['status']; progress: number; reason: string | null }) {
  return (
    <div className="flex flex-col gap-1">
      <span className={`inline-flex w-fit items-center rounded-full px-2 py-0.5 text-xs font-medium ${STYLES[status]}`} data-testid="document-status">
        {status === 'processing' ? `Processing ${progress}%` : status[0]!.toUpperCase() + status.slice(1)}
      </span>
      {status === 'processing' && (
        <span className="h-1 w-24 overflow-hidden rounded bg-slate-200 dark:bg-slate-800" role="progressbar" aria-valuenow={progress} aria-valuemin={0} aria-valuemax={100}>
          <span className="block h-full bg-amber-500" style={{ width: `${progress}%` }} />
        </span>
      )}
      {reason && <span className="max-w-xs text-xs text-slate-600 dark:text-slate-400">{reason}</span>}
    </div>
  );
}
