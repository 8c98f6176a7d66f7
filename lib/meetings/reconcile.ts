import 'server-only';
import {
  closeParticipant,
  forgetWebhookEventsBefore,
  getMeeting,
  listMeetingsToReconcile,
  listOpenParticipants,
  listParticipants,
  markMeetingEnded,
  upsertParticipant,
} from '@/db/queries/meetings';
import { withSystem, withTenantId } from '@/db/withTenant';
import { type LiveKitConfig, liveKitConfig } from '@/lib/livekit/config';
import { listRoomParticipants, type RoomParticipant } from '@/lib/livekit/rooms';
import { billParticipant } from './accounting';

// The safety net for lost webhooks (a restart, a network split, a full queue on LiveKit's
// side). Runs every minute on the job queue:
//   - an ended meeting: connections still open once late events had their chance are closed
//     at the room's end and billed;
//   - a running meeting: the room API says who is really there. A connection we think is open
//     but LiveKit no longer lists is closed now; someone LiveKit lists whom we never saw join
//     gets a row; a room LiveKit no longer has is ended.
// Billing goes through the same once-per-connection path as the webhooks, so a late event
// after a reconciliation bills nothing twice.

/**
 * LiveKit retries a failed webhook delivery for a short while; two minutes after the room's
 * end (or after a connection vanished from the room API) no delivery is still on its way.
 */
export const RECONCILE_GRACE_MS = 2 * 60_000;
/** Webhook ids are kept long enough to recognise any retry or replay of a delivery. */
export const WEBHOOK_ID_RETENTION_MS = 7 * 24 * 3_600_000;
/** Meetings ended longer ago than this are not looked at again. */
const ENDED_LOOKBACK_MS = 24 * 3_600_000;

export type ReconcileResult = { meetings: number; closed: number; added: number; billedMinutes: number; ended: number };

export async function reconcileMeetings(options: { now?: Date; config?: LiveKitConfig | null } = {}): Promise<ReconcileResult> {
  const now = options.now ?? new Date();
  const config = options.config === undefined ? liveKitConfig() : (options.config ?? undefined);
  const candidates = await withSystem((tx) => listMeetingsToReconcile(tx, new Date(now.getTime() - ENDED_LOOKBACK_MS)));
  const result: ReconcileResult = { meetings: candidates.length, closed: 0, added: 0, billedMinutes: 0, ended: 0 };
  for (const { id, tenantId } of candidates) {
    try {
      await reconcileMeeting(tenantId, id, now, config, result);
    } catch (error) {
      // One unreachable room or failing meeting must not stop the others.
      console.error('Could not reconcile meeting', { tenantId, meetingId: id, error: error instanceof Error ? error.message : error });
    }
  }
  for (const tenantId of new Set(candidates.map((candidate) => candidate.tenantId))) {
    await withTenantId(tenantId, (tx) => forgetWebhookEventsBefore(tx, tenantId, new Date(now.getTime() - WEBHOOK_ID_RETENTION_MS)));
  }
  return result;
}

async function reconcileMeeting(tenantId: string, meetingId: string, now: Date, config: LiveKitConfig | undefined, result: ReconcileResult) {
  const meeting = await withTenantId(tenantId, (tx) => getMeeting(tx, tenantId, meetingId));
  if (!meeting?.startedAt) return;
  const graceEdge = new Date(now.getTime() - RECONCILE_GRACE_MS);

  if (meeting.endedAt) {
    if (meeting.endedAt > graceEdge) return;
    const endedAt = meeting.endedAt;
    await withTenantId(tenantId, async (tx) => {
      for (const open of await listOpenParticipants(tx, tenantId, meetingId)) {
        const closed = await closeParticipant(tx, tenantId, open.id, { joinedAt: meeting.startedAt!, leftAt: endedAt, closeReason: 'room_finished' });
        if (!closed) continue;
        result.closed += 1;
        result.billedMinutes += await billParticipant(tx, closed);
      }
    });
    return;
  }

  if (!config) return;
  // The room API is called outside any transaction: a slow server must not hold a connection.
  const inRoom = await listRoomParticipants(config, meeting.roomName);
  await withTenantId(tenantId, async (tx) => {
    if (!inRoom) {
      // The room is gone and its room_finished never came: it ended no later than now.
      await markMeetingEnded(tx, tenantId, meetingId, now);
      result.ended += 1;
      return;
    }
    const present = new Map<string, RoomParticipant>(inRoom.map((participant) => [participant.sid, participant]));
    const open = await listOpenParticipants(tx, tenantId, meetingId);
    for (const row of open) {
      if (present.has(row.participantSid)) continue;
      // Joined very recently: its join may be newer than the room listing we hold.
      if (row.joinedAt && row.joinedAt > graceEdge) continue;
      const closed = await closeParticipant(tx, tenantId, row.id, { joinedAt: row.joinedAt ?? meeting.startedAt!, leftAt: now, closeReason: 'reconciled' });
      if (!closed) continue;
      result.closed += 1;
      result.billedMinutes += await billParticipant(tx, closed);
    }
    const known = new Set((await listParticipants(tx, tenantId, meetingId)).map((row) => row.participantSid));
    for (const participant of inRoom) {
      if (known.has(participant.sid)) continue;
      // Someone in the room whose join event was lost.
      await upsertParticipant(tx, {
        tenantId,
        meetingId,
        participantSid: participant.sid,
        identity: participant.identity,
        name: participant.name || null,
        kind: participant.kind,
        joinedAt: participant.joinedAt ?? now,
        leftAt: null,
        closeReason: null,
      });
      result.added += 1;
    }
  });
}
