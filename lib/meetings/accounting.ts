import 'server-only';
import { addMeetingMinutes, getMeetingSession, lockMeeting, markParticipantBilled } from '@/db/queries/meetings';
import { createSession } from '@/db/queries/conversations';
import type { MeetingParticipant, ParticipantKind } from '@/db/schema';
import type { Transaction } from '@/db/withTenant';
import { recordCost } from '@/lib/costs/events';

// Participant-minutes, as LiveKit Cloud bills them: every connection is rounded up to a whole
// minute on its own. One cost event per connection, keyed by its SID, so a connection is
// billed once whichever events arrive, in whatever order, however often.

const MS_PER_MINUTE = 60_000;

/** Whole minutes billed for one connection: rounded up, at least one. */
export function billableMinutes(joinedAt: Date, leftAt: Date): number {
  const ms = Math.max(0, leftAt.getTime() - joinedAt.getTime());
  return Math.max(1, Math.ceil(ms / MS_PER_MINUTE));
}

/** The price table's model for each kind of participant (lib/costs/prices.ts). */
export const LIVEKIT_PRICE_MODELS: Record<ParticipantKind, string> = {
  person: 'participant-minutes',
  assistant: 'agent-session-minutes',
  recorder: 'egress-minutes',
};

/**
 * The meeting's conversation (transcript and costs), created on first need. The meeting row
 * is locked first, so two webhooks arriving together create one session, not two.
 */
export async function ensureMeetingSession(tx: Transaction, tenantId: string, meetingId: string): Promise<string> {
  const existing = await getMeetingSession(tx, tenantId, meetingId);
  if (existing) return existing.id;
  await lockMeeting(tx, tenantId, meetingId);
  const again = await getMeetingSession(tx, tenantId, meetingId);
  if (again) return again.id;
  return (await createSession(tx, { tenantId, meetingId, mode: 'meeting', source: 'meeting' })).id;
}

/**
 * Bills a connection once both its ends are known and it has not been billed; returns the
 * minutes billed now (0 when there was nothing to bill). The cost event's external id (the
 * participant SID) is the claim: a second attempt, even a concurrent one, inserts nothing.
 * `sessionId`: the meeting's conversation when the caller already knows it.
 */
export async function billParticipant(tx: Transaction, participant: MeetingParticipant, sessionId?: string | null): Promise<number> {
  if (!participant.joinedAt || !participant.leftAt || participant.billedMinutes !== null) return 0;
  const minutes = billableMinutes(participant.joinedAt, participant.leftAt);
  const event = await recordCost(tx, {
    tenantId: participant.tenantId,
    service: 'livekit',
    provider: 'livekit',
    model: LIVEKIT_PRICE_MODELS[participant.kind],
    participantMinutes: minutes,
    sessionId: sessionId ?? (await ensureMeetingSession(tx, participant.tenantId, participant.meetingId)),
    occurredAt: participant.leftAt,
    externalId: `livekit:${participant.meetingId}:${participant.participantSid}`,
    operation: `meeting minutes (${participant.kind})`,
    durationMs: participant.leftAt.getTime() - participant.joinedAt.getTime(),
  });
  if (!event) return 0;
  await markParticipantBilled(tx, participant.tenantId, participant.id, minutes, event.id);
  await addMeetingMinutes(tx, participant.tenantId, participant.meetingId, minutes);
  return minutes;
}
