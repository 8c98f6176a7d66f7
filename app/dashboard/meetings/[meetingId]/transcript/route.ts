import { z } from 'zod';
import { getMeeting, listMeetingTranscript } from '@/db/queries/meetings';
import { TenantAccessError, withTenant } from '@/db/withTenant';
import { getCurrentSession } from '@/lib/auth/session';

export const dynamic = 'force-dynamic';

const problem = (status: number, message: string) => Response.json({ message }, { status });

/** The meeting's transcript as plain text: time, speaker, words (and an answer's sources). */
export async function GET(_request: Request, { params }: { params: Promise<{ meetingId: string }> }) {
  const { meetingId } = await params;
  if (!z.uuid().safeParse(meetingId).success) return problem(404, 'This meeting does not exist.');
  const user = await getCurrentSession();
  if (!user) return problem(401, 'Sign in to download transcripts.');
  let data;
  try {
    data = await withTenant(user, async (tx, { tenantId }) => {
      const meeting = await getMeeting(tx, tenantId, meetingId);
      return meeting ? { meeting, lines: await listMeetingTranscript(tx, tenantId, meetingId) } : undefined;
    });
  } catch (error) {
    if (error instanceof TenantAccessError) return problem(403, 'You are no longer a member of this workspace.');
    throw error;
  }
  if (!data) return problem(404, 'This meeting does not exist.');
  const text = [
    `${data.meeting.title}`,
    data.meeting.startedAt ? `Started ${data.meeting.startedAt.toISOString()}` : 'Not started',
    '',
    ...data.lines.map((line) => {
      const speaker = line.role === 'assistant' ? 'Assistant' : (line.metadata.speaker ?? 'Someone');
      const sources = line.sources.length ? ` [sources: ${line.sources.map((source) => `${source.index} ${source.title}`).join('; ')}]` : '';
      return `[${line.createdAt.toISOString().slice(11, 19)}] ${speaker}: ${line.content}${sources}`;
    }),
    ...(data.meeting.summary ? ['', 'Summary', data.meeting.summary] : []),
  ].join('\n');
  const fileName = `meeting-${data.meeting.startedAt?.toISOString().slice(0, 10) ?? 'transcript'}-${meetingId.slice(0, 8)}.txt`;
  return new Response(`${text}\n`, {
    headers: { 'content-type': 'text/plain; charset=utf-8', 'content-disposition': `attachment; filename="${fileName}"`, 'cache-control': 'no-store' },
  });
}
