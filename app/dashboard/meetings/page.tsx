import type { Metadata } from 'next';
import Link from 'next/link';
import { Card } from '@/components/ui/card';
import { listMeetings, MEETING_STATUSES, meetingStatus } from '@/db/queries/meetings';
import { can } from '@/lib/auth/permissions';
import { withDashboardTenant } from '@/lib/auth/session';
import { liveKitConfig, missingLiveKitSettings } from '@/lib/livekit/config';
import { decodeCursor, encodeCursor } from '../conversations/filters';
import { ConfigureLiveKitNotice } from './livekit-notice';
import { CreateMeetingForm } from './meeting-forms';
import { MeetingStatusBadge } from './status-badge';

export const metadata: Metadata = { title: 'Meetings' };

const PAGE_SIZE = 20;
const dateTime = new Intl.DateTimeFormat('en-US', { dateStyle: 'medium', timeStyle: 'short', timeZone: 'UTC' });
const STATUS_LABELS = { live: 'Live', upcoming: 'Upcoming', ended: 'Ended' } as const;

export default async function MeetingsPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const params = await searchParams;
  const statusParam = typeof params.status === 'string' ? params.status : undefined;
  const status = MEETING_STATUSES.find((candidate) => candidate === statusParam);
  const after = typeof params.after === 'string' ? params.after.slice(0, 200) : undefined;
  const configured = !!liveKitConfig();
  const { page, role } = await withDashboardTenant(async (tx, context) => ({
    page: configured ? await listMeetings(tx, context.tenantId, { status }, decodeCursor(after), PAGE_SIZE) : undefined,
    role: context.role,
  }));
  const tab = (value?: string) => (value ? `/dashboard/meetings?status=${value}` : '/dashboard/meetings');

  return (
    <div className="flex flex-col gap-6">
      <div>
        <h1 className="text-2xl font-semibold">Meetings</h1>
        <p className="mt-1 text-sm text-slate-600 dark:text-slate-400">
          Voice and video meetings in the browser. Invite guests with a link, and bring in the assistant: it listens, answers from your knowledge and speaks.
        </p>
      </div>
      {!page ? (
        <ConfigureLiveKitNotice missing={missingLiveKitSettings()} />
      ) : (
        <>
          {can(role, 'meetings:manage') && (
            <Card title="New meeting">
              <CreateMeetingForm />
            </Card>
          )}
          <Card>
            <nav aria-label="Meeting status" className="mb-4 flex flex-wrap gap-2 text-sm">
              {[undefined, ...MEETING_STATUSES].map((value) => (
                <Link
                  key={value ?? 'all'}
                  href={tab(value)}
                  aria-current={value === status ? 'page' : undefined}
                  className={`rounded-full px-3 py-1 ${value === status ? 'bg-indigo-600 text-white' : 'border border-slate-300 dark:border-slate-700'}`}
                >
                  {value ? STATUS_LABELS[value] : 'All'}
                </Link>
              ))}
            </nav>
            {page.rows.length === 0 ? (
              <p className="py-6 text-center text-sm text-slate-600 dark:text-slate-400">
                {status ? `No ${STATUS_LABELS[status].toLowerCase()} meetings.` : can(role, 'meetings:manage') ? 'No meetings yet. Create one above, then join it from its page.' : 'No meetings yet. An owner or admin of this workspace can create one.'}
              </p>
            ) : (
              <ul className="divide-y divide-slate-200 dark:divide-slate-800">
                {page.rows.map((meeting) => (
                  <li key={meeting.id} className="flex flex-wrap items-center justify-between gap-3 py-3" data-testid="meeting-row">
                    <div className="min-w-0">
                      <Link href={`/dashboard/meetings/${meeting.id}`} className="font-medium text-indigo-600 hover:underline dark:text-indigo-400">
                        {meeting.title}
                      </Link>
                      <p className="text-xs text-slate-500">
                        {meeting.startedAt
                          ? `Started ${dateTime.format(meeting.startedAt)} UTC`
                          : meeting.scheduledFor
                            ? `Planned for ${dateTime.format(meeting.scheduledFor)} UTC`
                            : `Created ${dateTime.format(meeting.createdAt)} UTC`}
                        {meeting.people > 0 ? ` · ${meeting.people} ${meeting.people === 1 ? 'person' : 'people'} · ${meeting.participantMinutes} participant-minutes` : ''}
                      </p>
                    </div>
                    <MeetingStatusBadge status={meetingStatus(meeting)} />
                  </li>
                ))}
              </ul>
            )}
            {page.next && (
              <div className="mt-4 text-right">
                <Link href={`${tab(status)}${status ? '&' : '?'}after=${encodeCursor(page.next)}`} className="text-sm font-medium text-indigo-600 hover:underline dark:text-indigo-400">
                  Older meetings →
                </Link>
              </div>
            )}
          </Card>
        </>
      )}
    </div>
  );
}
