import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { z } from 'zod';
import { ActionForm } from '@/components/action-form';
import { buttonClasses } from '@/components/ui/button';
import { Card } from '@/components/ui/card';
import { SubmitButton } from '@/components/ui/submit-button';
import { getMeeting, getMeetingCosts, listMeetingTranscript, listParticipants, meetingStatus } from '@/db/queries/meetings';
import { can } from '@/lib/auth/permissions';
import { withDashboardTenant } from '@/lib/auth/session';
import { SERVICE_LABELS } from '@/lib/costs/services';
import { formatCost } from '@/lib/format';
import { liveKitConfig } from '@/lib/livekit/config';
import { billableMinutes } from '@/lib/meetings/accounting';
import { createGuestLinkToken, GUEST_LINK_LIFETIMES_HOURS } from '@/lib/meetings/guest-links';
import { publicAppOrigin } from '@/lib/widget/app-origin';
import {
  createGuestLinkAction,
  deleteMeetingAction,
  endMeetingAction,
  inviteAssistantAction,
  removeAssistantAction,
  revokeGuestLinkAction,
  setAssistantMutedAction,
} from '../actions';
import { CopyLink } from '../meeting-forms';
import { MeetingStatusBadge } from '../status-badge';

export const metadata: Metadata = { title: 'Meeting' };

const dateTime = new Intl.DateTimeFormat('en-US', { dateStyle: 'medium', timeStyle: 'medium', timeZone: 'UTC' });
const time = new Intl.DateTimeFormat('en-US', { timeStyle: 'medium', timeZone: 'UTC' });
const KIND_LABELS = { person: 'Person', assistant: 'Assistant', recorder: 'Recorder' } as const;
const ASSISTANT_LABELS = { off: 'Not in the meeting', invited: 'On its way (if it has not joined within a minute, check that the assistant worker, npm run agent, is running)', active: 'Listening and answering', muted: 'Listening, muted' } as const;

function duration(from: Date, to: Date): string {
  const minutes = Math.max(0, Math.round((to.getTime() - from.getTime()) / 60_000));
  return minutes < 60 ? `${minutes} min` : `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}

export default async function MeetingPage({ params }: { params: Promise<{ meetingId: string }> }) {
  const { meetingId } = await params;
  if (!z.uuid().safeParse(meetingId).success) notFound();
  const data = await withDashboardTenant(async (tx, context) => {
    const meeting = await getMeeting(tx, context.tenantId, meetingId);
    if (!meeting) return undefined;
    return {
      meeting,
      role: context.role,
      participants: await listParticipants(tx, context.tenantId, meetingId),
      costs: await getMeetingCosts(tx, context.tenantId, meetingId),
      transcript: await listMeetingTranscript(tx, context.tenantId, meetingId),
    };
  });
  if (!data) notFound();
  const { meeting, role, participants, costs, transcript } = data;
  const status = meetingStatus(meeting);
  const manage = can(role, 'meetings:manage');
  const configured = !!liveKitConfig();
  const now = new Date();
  const guestLink =
    meeting.guestLinkId && meeting.guestLinkExpiresAt && meeting.guestLinkExpiresAt > now && status !== 'ended'
      ? `${await publicAppOrigin()}/meet/${createGuestLinkToken({ tenantId: meeting.tenantId, meetingId: meeting.id, linkId: meeting.guestLinkId, expiresAt: meeting.guestLinkExpiresAt })}`
      : undefined;

  return (
    <div className="flex flex-col gap-6">
      <div className="flex flex-wrap items-start justify-between gap-4">
        <div className="min-w-0">
          <Link href="/dashboard/meetings" className="text-sm text-indigo-600 hover:underline dark:text-indigo-400">← Meetings</Link>
          <h1 className="mt-1 flex flex-wrap items-center gap-3 text-2xl font-semibold">
            {meeting.title} <MeetingStatusBadge status={status} />
          </h1>
          {meeting.description && <p className="mt-1 max-w-2xl text-sm whitespace-pre-line text-slate-600 dark:text-slate-400">{meeting.description}</p>}
          <dl className="mt-2 flex flex-wrap gap-x-6 gap-y-1 text-sm text-slate-600 dark:text-slate-400">
            {meeting.scheduledFor && <div><dt className="inline">Planned: </dt><dd className="inline">{dateTime.format(meeting.scheduledFor)} UTC</dd></div>}
            {meeting.startedAt && <div><dt className="inline">Started: </dt><dd className="inline">{dateTime.format(meeting.startedAt)} UTC</dd></div>}
            {meeting.endedAt && <div><dt className="inline">Ended: </dt><dd className="inline">{dateTime.format(meeting.endedAt)} UTC</dd></div>}
            {meeting.startedAt && <div><dt className="inline">Duration: </dt><dd className="inline" data-testid="meeting-duration">{duration(meeting.startedAt, meeting.endedAt ?? now)}</dd></div>}
            <div><dt className="inline">Participant-minutes: </dt><dd className="inline" data-testid="meeting-minutes">{Number(meeting.participantMinutes)}</dd></div>
          </dl>
        </div>
        <div className="flex flex-wrap gap-2">
          {status !== 'ended' && configured && (
            <Link href={`/dashboard/meetings/${meeting.id}/room`} className={buttonClasses('primary')}>Join meeting</Link>
          )}
          {manage && status !== 'ended' && configured && (
            <ActionForm action={endMeetingAction} confirm="End this meeting for everyone?">
              <input type="hidden" name="meetingId" value={meeting.id} />
              <SubmitButton variant="secondary" pendingLabel="Ending…">End meeting</SubmitButton>
            </ActionForm>
          )}
          {manage && (
            <ActionForm action={deleteMeetingAction} confirm="Delete this meeting and its transcript? Its costs stay in the totals.">
              <input type="hidden" name="meetingId" value={meeting.id} />
              <SubmitButton variant="danger" pendingLabel="Deleting…">Delete</SubmitButton>
            </ActionForm>
          )}
        </div>
      </div>

      {meeting.assistantNotice && (
        <p role="status" className="rounded-md border border-amber-300 bg-amber-50 px-4 py-3 text-sm text-amber-900 dark:border-amber-800 dark:bg-amber-950 dark:text-amber-100">
          {meeting.assistantNotice}
        </p>
      )}

      {manage && status !== 'ended' && configured && (
        <div className="grid gap-6 lg:grid-cols-2">
          <Card title="Assistant" description="Brings your assistant into the room: it answers when addressed by name or asked a question, from your knowledge, in your default personality.">
            <p className="mb-3 text-sm">
              Status: <strong data-testid="assistant-state">{ASSISTANT_LABELS[meeting.assistantState]}</strong>
            </p>
            <div className="flex flex-wrap gap-2">
              {meeting.assistantState === 'off' ? (
                <ActionForm action={inviteAssistantAction} showSuccess>
                  <input type="hidden" name="meetingId" value={meeting.id} />
                  <SubmitButton pendingLabel="Inviting…">Invite assistant</SubmitButton>
                </ActionForm>
              ) : (
                <>
                  <ActionForm action={setAssistantMutedAction}>
                    <input type="hidden" name="meetingId" value={meeting.id} />
                    <input type="hidden" name="muted" value={meeting.assistantState === 'muted' ? 'false' : 'true'} />
                    <SubmitButton variant="secondary">{meeting.assistantState === 'muted' ? 'Let it speak' : 'Mute assistant'}</SubmitButton>
                  </ActionForm>
                  <ActionForm action={removeAssistantAction}>
                    <input type="hidden" name="meetingId" value={meeting.id} />
                    <SubmitButton variant="secondary">Remove assistant</SubmitButton>
                  </ActionForm>
                </>
              )}
            </div>
          </Card>
          <Card title="Guest link" description="People outside the workspace join with a link: they enter their name on a pre-join page.">
            {guestLink ? (
              <div className="flex flex-col gap-3">
                <CopyLink url={guestLink} />
                <p className="text-xs text-slate-500">Works until {dateTime.format(meeting.guestLinkExpiresAt!)} UTC.</p>
                <ActionForm action={revokeGuestLinkAction}>
                  <input type="hidden" name="meetingId" value={meeting.id} />
                  <SubmitButton variant="secondary">Turn off link</SubmitButton>
                </ActionForm>
              </div>
            ) : (
              <ActionForm action={createGuestLinkAction}>
                <input type="hidden" name="meetingId" value={meeting.id} />
                <label htmlFor="guest-hours" className="text-sm">Valid for</label>
                <select id="guest-hours" name="hours" defaultValue="24" className="rounded-md border border-slate-300 bg-white px-2 py-1.5 text-sm dark:border-slate-700 dark:bg-slate-900">
                  {GUEST_LINK_LIFETIMES_HOURS.map((hours) => (
                    <option key={hours} value={hours}>{hours < 24 ? `${hours} hour` : hours === 24 ? '1 day' : `${hours / 24} days`}</option>
                  ))}
                </select>
                <SubmitButton variant="secondary">Create guest link</SubmitButton>
              </ActionForm>
            )}
          </Card>
        </div>
      )}

      <div className="grid gap-6 lg:grid-cols-[2fr_1fr]">
        <Card title={`Participants (${participants.length})`} description="One row per connection: someone who rejoins appears again. Each connection is billed in whole minutes, rounded up.">
          {participants.length === 0 ? (
            <p className="py-4 text-center text-sm text-slate-600 dark:text-slate-400">Nobody has joined yet.</p>
          ) : (
            <div className="overflow-x-auto">
              <table className="w-full text-left text-sm" data-testid="participants">
                <thead className="text-xs text-slate-500">
                  <tr>
                    <th className="py-2 pr-3 font-medium">Name</th>
                    <th className="py-2 pr-3 font-medium">Kind</th>
                    <th className="py-2 pr-3 font-medium">Joined (UTC)</th>
                    <th className="py-2 pr-3 font-medium">Left (UTC)</th>
                    <th className="py-2 font-medium">Minutes</th>
                  </tr>
                </thead>
                <tbody className="divide-y divide-slate-200 dark:divide-slate-800">
                  {participants.map((participant) => (
                    <tr key={participant.id}>
                      <td className="py-2 pr-3">{participant.name || participant.identity}</td>
                      <td className="py-2 pr-3">{KIND_LABELS[participant.kind]}</td>
                      <td className="py-2 pr-3">{participant.joinedAt ? time.format(participant.joinedAt) : '—'}</td>
                      <td className="py-2 pr-3">{participant.leftAt ? time.format(participant.leftAt) : 'in the meeting'}</td>
                      <td className="py-2">
                        {participant.billedMinutes ?? (participant.joinedAt ? `${billableMinutes(participant.joinedAt, participant.leftAt ?? now)} so far` : '—')}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </Card>
        <Card title="Cost" description="Minutes, speech, answers and screen images of this meeting.">
          {costs.length === 0 ? (
            <p className="text-sm text-slate-600 dark:text-slate-400">Nothing billed yet.</p>
          ) : (
            <dl className="flex flex-col gap-2 text-sm" data-testid="meeting-costs">
              {costs.map((row) => (
                <div key={row.service} className="flex justify-between gap-3">
                  <dt>{SERVICE_LABELS[row.service]}</dt>
                  <dd className="tabular-nums">{formatCost(row.costUsd)}</dd>
                </div>
              ))}
              <div className="flex justify-between gap-3 border-t border-slate-200 pt-2 font-medium dark:border-slate-800">
                <dt>Total</dt>
                <dd className="tabular-nums">{formatCost(costs[0]!.totalUsd)}</dd>
              </div>
            </dl>
          )}
        </Card>
      </div>

      {(meeting.summary || meeting.summaryError || status === 'ended') && (
        <Card title="Summary">
          {meeting.summary ? (
            <div className="text-sm whitespace-pre-line" data-testid="meeting-summary">{meeting.summary}</div>
          ) : meeting.summaryError ? (
            <p className="text-sm text-slate-600 dark:text-slate-400">{meeting.summaryError}</p>
          ) : (
            <p className="text-sm text-slate-600 dark:text-slate-400">
              {transcript.length === 0 ? 'No transcript, so no summary: the assistant was not in this meeting.' : 'The summary is being written; refresh in a minute.'}
            </p>
          )}
        </Card>
      )}

      <Card title="Transcript" description="What was said while the assistant was in the meeting, and its answers with their sources.">
        {transcript.length === 0 ? (
          <p className="text-sm text-slate-600 dark:text-slate-400">Nothing yet. Invite the assistant to have the meeting transcribed.</p>
        ) : (
          <>
            <ol className="flex flex-col gap-3" data-testid="transcript">
              {transcript.map((line) => (
                <li key={line.id} className="text-sm">
                  <span className="text-xs text-slate-500">{time.format(line.createdAt)} </span>
                  <strong>{line.role === 'assistant' ? 'Assistant' : (line.metadata.speaker ?? 'Someone')}:</strong>{' '}
                  <span className="whitespace-pre-line">{line.content}</span>
                  {line.sources.length > 0 && (
                    <span className="ml-1 text-xs text-slate-500">
                      (sources: {line.sources.map((source) => `[${source.index}] ${source.title}`).join(', ')})
                    </span>
                  )}
                </li>
              ))}
            </ol>
            <a href={`/dashboard/meetings/${meeting.id}/transcript`} className="mt-4 inline-block text-sm font-medium text-indigo-600 hover:underline dark:text-indigo-400">
              Download transcript (.txt)
            </a>
          </>
        )}
      </Card>
    </div>
  );
}
