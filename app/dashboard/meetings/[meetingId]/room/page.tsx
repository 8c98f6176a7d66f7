import type { Metadata } from 'next';
import { notFound } from 'next/navigation';
import { z } from 'zod';
import { MeetingRoom } from '@/components/meetings/meeting-room';
import { getMeeting, meetingStatus } from '@/db/queries/meetings';
import { withDashboardTenant } from '@/lib/auth/session';
import { liveKitConfig, missingLiveKitSettings } from '@/lib/livekit/config';
import { ConfigureLiveKitNotice } from '../../livekit-notice';

export const metadata: Metadata = { title: 'Meeting room' };

export default async function MeetingRoomPage({ params }: { params: Promise<{ meetingId: string }> }) {
  const { meetingId } = await params;
  if (!z.uuid().safeParse(meetingId).success) notFound();
  const data = await withDashboardTenant(async (tx, context, session) => {
    const meeting = await getMeeting(tx, context.tenantId, meetingId);
    return meeting ? { meeting, name: session.name ?? session.email } : undefined;
  });
  if (!data) notFound();
  if (!liveKitConfig()) return <ConfigureLiveKitNotice missing={missingLiveKitSettings()} />;
  const back = `/dashboard/meetings/${meetingId}`;
  if (meetingStatus(data.meeting) === 'ended') {
    return (
      <p role="alert" className="text-sm">
        This meeting has ended. <a href={back} className="text-indigo-600 hover:underline">See its participants and transcript.</a>
      </p>
    );
  }
  return (
    <MeetingRoom
      title={data.meeting.title}
      tokenUrl={`/api/meetings/${meetingId}/token`}
      defaultName={data.name}
      nameLabel="Your name (from your account)"
      leaveHref={back}
      leaveLabel="Back to the meeting page"
    />
  );
}
