import 'server-only';
import { randomBytes } from 'node:crypto';
import { getMeeting, hasParticipants, resolveMeeting, updateMeeting } from '@/db/queries/meetings';
import type { Meeting } from '@/db/schema';
import { type TenantSession, type Transaction, withTenant, withTenantId } from '@/db/withTenant';
import { getSpendCapStatus } from '@/lib/costs/budget';
import type { LiveKitConfig } from '@/lib/livekit/config';
import { createMeetingRoom } from '@/lib/livekit/rooms';
import { type JoinRole, mintJoinToken } from '@/lib/livekit/tokens';
import { checkGuestLinkToken } from './guest-links';

// Who may join which room, decided before any token exists: a member of the meeting's
// workspace (checked in the database, in the same transaction that reads the meeting), or
// the holder of the meeting's current, unexpired guest link.

export type JoinGrant = { token: string; serverUrl: string; identity: string; name: string; expiresAt: string; meeting: { id: string; title: string } };

export class JoinRefusedError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly code: 'not_found' | 'ended' | 'spend_cap' | 'expired' | 'revoked' | 'invalid',
  ) {
    super(message);
    this.name = 'JoinRefusedError';
  }
}

export const MEETING_NOT_FOUND = 'This meeting does not exist or is not in your workspace.';

/**
 * An ended meeting cannot be joined, except one nobody ever joined (its room opened and closed
 * empty, e.g. the first person gave up at the device check): that meeting simply has not
 * happened yet. A meeting that has not started may not start once the spend cap is reached.
 * Returns the meeting as it now is.
 */
async function refuseIfCannotStart(tx: Transaction, meeting: Meeting): Promise<Meeting> {
  if (meeting.endedAt) {
    if (await hasParticipants(tx, meeting.tenantId, meeting.id)) throw new JoinRefusedError('This meeting has ended.', 409, 'ended');
    meeting = (await updateMeeting(tx, meeting.tenantId, meeting.id, { startedAt: null, endedAt: null, livekitRoomId: null }))!;
  }
  if (meeting.startedAt) return meeting;
  const cap = await getSpendCapStatus(tx, meeting.tenantId);
  if (cap.reached) {
    throw new JoinRefusedError(
      'This workspace has reached its monthly spend cap, so new meetings cannot start. An owner or admin can raise the cap in Settings.',
      402,
      'spend_cap',
    );
  }
  return meeting;
}

/** Creates the LiveKit room (idempotent) and remembers its SID. Called outside any transaction. */
async function openRoom(config: LiveKitConfig, meeting: Meeting) {
  const room = await createMeetingRoom(config, {
    name: meeting.roomName,
    maxParticipants: meeting.maxParticipants,
    metadata: { tenantId: meeting.tenantId, meetingId: meeting.id, title: meeting.title },
  });
  if (!meeting.livekitRoomId && room.sid) {
    await withTenantId(meeting.tenantId, (tx) => updateMeeting(tx, meeting.tenantId, meeting.id, { livekitRoomId: room.sid }));
  }
}

async function grant(config: LiveKitConfig, meeting: Meeting, who: { identity: string; name: string; role: JoinRole }): Promise<JoinGrant> {
  await openRoom(config, meeting);
  const { token, expiresAt } = await mintJoinToken(config, {
    roomName: meeting.roomName,
    identity: who.identity,
    name: who.name,
    tenantId: meeting.tenantId,
    meetingId: meeting.id,
    role: who.role,
  });
  return { token, serverUrl: config.publicUrl, identity: who.identity, name: who.name, expiresAt: expiresAt.toISOString(), meeting: { id: meeting.id, title: meeting.title } };
}

export async function joinAsMember(config: LiveKitConfig, session: TenantSession & { name: string | null; email: string }, meetingId: string): Promise<JoinGrant> {
  const { meeting, role } = await withTenant(session, async (tx, context) => {
    const found = await getMeeting(tx, context.tenantId, meetingId);
    if (!found) throw new JoinRefusedError(MEETING_NOT_FOUND, 404, 'not_found');
    return { meeting: await refuseIfCannotStart(tx, found), role: context.role };
  });
  return grant(config, meeting, { identity: `member-${session.userId}`, name: session.name || session.email, role });
}

export const GUEST_NAME_MAX = 60;

export async function joinAsGuest(config: LiveKitConfig, link: string, guestName: string): Promise<JoinGrant> {
  const linked = await resolveGuestLink(link);
  const meeting = await withTenantId(linked.tenantId, (tx) => refuseIfCannotStart(tx, linked));
  // A random identity per join: two guests with the same name are two people.
  return grant(config, meeting, { identity: `guest-${randomBytes(9).toString('base64url')}`, name: `${guestName} (guest)`, role: 'guest' });
}

/** The meeting a guest link opens, or why it does not. */
export async function resolveGuestLink(link: string, now = new Date()): Promise<Meeting> {
  const check = checkGuestLinkToken(link, now);
  if (!check.ok) {
    throw check.reason === 'expired'
      ? new JoinRefusedError('This guest link has expired. Ask the host for a new one.', 410, 'expired')
      : new JoinRefusedError('This guest link is not valid.', 404, 'invalid');
  }
  const { tenantId, meetingId, linkId } = check.claims;
  // The link is signed: its tenant is trusted, so the meeting is read inside that tenant's scope.
  const meeting = await withTenantId(tenantId, (tx) => resolveMeeting(tx, tenantId, meetingId));
  if (!meeting) throw new JoinRefusedError('This guest link is not valid.', 404, 'invalid');
  if (meeting.guestLinkId !== linkId) throw new JoinRefusedError('This guest link was turned off by the host. Ask for a new one.', 410, 'revoked');
  return meeting;
}
