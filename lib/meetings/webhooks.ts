import 'server-only';
import type { WebhookEvent } from 'livekit-server-sdk';
import { claimWebhookEvent, getMeetingWithSession, markMeetingEnded, markMeetingStarted, setAssistantPresence, upsertParticipant } from '@/db/queries/meetings';
import type { MeetingParticipant } from '@/db/schema';
import { withTenantId } from '@/db/withTenant';
import { parseRoomName } from '@/lib/livekit/config';
import { participantKind } from '@/lib/livekit/rooms';
import { billParticipant } from './accounting';

// What a verified LiveKit webhook does to the meeting's rows. Every event is applied at most
// once (its id is claimed in the same transaction as its effect), and every effect is written
// so that the order events arrive in does not matter:
//   - times come from the event (when LiveKit saw it), never from when it arrived;
//   - a participant row is created by whichever of join / leave comes first and billed when
//     both ends are known;
//   - room_finished records the end; connections whose leave event never comes are closed at
//     that time by the reconciler once late events have had time to arrive.

export type WebhookOutcome =
  | { status: 'processed'; event: string; tenantId: string; meetingId: string; billedMinutes: number; roomFinished: boolean }
  | { status: 'duplicate' | 'ignored'; event: string }
  | { status: 'unknown_room'; event: string };

const seconds = (value: bigint | number | undefined) => (value ? new Date(Number(value) * 1000) : undefined);

/** When LiveKit says the event happened (its createdAt, in seconds), or now when absent. */
function eventTime(event: WebhookEvent): Date {
  return seconds(event.createdAt) ?? new Date();
}

/** When the participant joined, from the participant info LiveKit sends with every participant event. */
function participantJoinedAt(event: WebhookEvent): Date | undefined {
  const info = event.participant;
  if (!info) return undefined;
  if (info.joinedAtMs) return new Date(Number(info.joinedAtMs));
  return seconds(info.joinedAt);
}

export async function applyWebhookEvent(event: WebhookEvent): Promise<WebhookOutcome> {
  const name = event.event;
  const room = parseRoomName(event.room?.name ?? '');
  // Rooms this product did not create (another app on the same LiveKit) are acknowledged and left alone.
  if (!room) return { status: 'unknown_room', event: name };
  if (!event.id) return { status: 'ignored', event: name };

  // The room name carries the tenant (and the body is signed by LiveKit), so the event is
  // handled in that tenant's scope directly: one transaction per event.
  return withTenantId(room.tenantId, async (tx) => {
    const found = await getMeetingWithSession(tx, room.tenantId, room.meetingId);
    if (!found || found.meeting.roomName !== event.room!.name) return { status: 'unknown_room', event: name };
    const { meeting, sessionId } = found;
    if (!(await claimWebhookEvent(tx, meeting.tenantId, event.id, name))) return { status: 'duplicate', event: name };
    const at = eventTime(event);
    let billedMinutes = 0;
    let roomFinished = false;
    switch (name) {
      case 'room_started':
        await markMeetingStarted(tx, meeting.tenantId, meeting.id, seconds(event.room?.creationTime) ?? at, event.room?.sid);
        break;
      case 'room_finished':
        await markMeetingEnded(tx, meeting.tenantId, meeting.id, at, event.room?.sid);
        roomFinished = true;
        break;
      case 'participant_joined':
      case 'participant_left':
      case 'participant_connection_aborted': {
        const info = event.participant;
        if (!info?.sid) return { status: 'ignored', event: name };
        const joinedAt = participantJoinedAt(event) ?? (name === 'participant_joined' ? at : undefined);
        const leaving = name !== 'participant_joined';
        const row: MeetingParticipant = await upsertParticipant(tx, {
          tenantId: meeting.tenantId,
          meetingId: meeting.id,
          participantSid: info.sid,
          identity: info.identity,
          name: info.name || null,
          kind: participantKind(info.kind),
          joinedAt: joinedAt ?? null,
          leftAt: leaving ? at : null,
          closeReason: leaving ? (name === 'participant_left' ? 'left' : 'aborted') : null,
        });
        // A join is proof the room is running, even if room_started was lost.
        if (joinedAt && !(meeting.startedAt && meeting.startedAt <= joinedAt)) await markMeetingStarted(tx, meeting.tenantId, meeting.id, joinedAt, event.room?.sid);
        if (row.kind === 'assistant') await setAssistantPresence(tx, meeting.tenantId, meeting.id, !leaving);
        billedMinutes = await billParticipant(tx, row, sessionId);
        break;
      }
      default:
        // Track and egress events: recorded as seen, nothing to change.
        break;
    }
    return { status: 'processed', event: name, tenantId: meeting.tenantId, meetingId: meeting.id, billedMinutes, roomFinished };
  });
}
