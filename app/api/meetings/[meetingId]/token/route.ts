import { z } from 'zod';
import { TenantAccessError } from '@/db/withTenant';
import { getCurrentSession } from '@/lib/auth/session';
import { liveKitConfig } from '@/lib/livekit/config';
import { joinProblem, notConfigured, problem } from '@/lib/meetings/http';
import { joinAsMember } from '@/lib/meetings/join';

export const dynamic = 'force-dynamic';

/** A join token for a member of the meeting's workspace (any role). */
export async function POST(_request: Request, { params }: { params: Promise<{ meetingId: string }> }) {
  const { meetingId } = await params;
  if (!z.uuid().safeParse(meetingId).success) return problem(404, 'not_found', 'This meeting does not exist or is not in your workspace.');
  const user = await getCurrentSession();
  if (!user) return problem(401, 'unauthenticated', 'Sign in to join this meeting.');
  const config = liveKitConfig();
  if (!config) return notConfigured();
  try {
    return Response.json(await joinAsMember(config, user, meetingId), { headers: { 'cache-control': 'no-store' } });
  } catch (error) {
    if (error instanceof TenantAccessError) return problem(403, 'forbidden', 'You are no longer a member of this workspace.');
    return joinProblem(error);
  }
}
