import type { MeetingStatus } from '@/db/queries/meetings';

const STYLES: Record<MeetingStatus, string> = {
  live: 'bg-emerald-100 text-emerald-800 dark:bg-emerald-950 dark:text-emerald-200',
  upcoming: 'bg-indigo-50 text-indigo-700 dark:bg-indigo-950 dark:text-indigo-300',
  ended: 'bg-slate-200 text-slate-700 dark:bg-slate-800 dark:text-slate-300',
};
const LABELS: Record<MeetingStatus, string> = { live: 'Live', upcoming: 'Upcoming', ended: 'Ended' };

export function MeetingStatusBadge({ status }: { status: MeetingStatus }) {
  return <span className={`rounded-full px-2 py-0.5 text-xs font-medium ${STYLES[status]}`} data-status={status}>{LABELS[status]}</span>;
}
