import 'server-only';
import { and, asc, desc, eq, gt, isNotNull, isNull, or, type SQL, sql } from 'drizzle-orm';
import type { Transaction } from '../client';
import {
  costEvents,
  livekitWebhookEvents,
  type Meeting,
  type MeetingParticipant,
  meetingParticipants,
  meetings,
  messages,
  type NewMeeting,
  type NewMeetingParticipant,
  sessions,
} from '../schema';

export const MEETING_STATUSES = ['live', 'upcoming', 'ended'] as const;
export type MeetingStatus = (typeof MEETING_STATUSES)[number];

export function meetingStatus(meeting: Pick<Meeting, 'startedAt' | 'endedAt'>): MeetingStatus {
  if (meeting.endedAt) return 'ended';
  return meeting.startedAt ? 'live' : 'upcoming';
}

const STATUS_FILTERS: Record<MeetingStatus, SQL> = {
  live: and(isNotNull(meetings.startedAt), isNull(meetings.endedAt))!,
  upcoming: and(isNull(meetings.startedAt), isNull(meetings.endedAt))!,
  ended: isNotNull(meetings.endedAt),
};

export async function createMeeting(tx: Transaction, values: NewMeeting): Promise<Meeting> {
  const [meeting] = await tx.insert(meetings).values(values).returning();
  return meeting!;
}

export async function getMeeting(tx: Transaction, tenantId: string, meetingId: string): Promise<Meeting | undefined> {
  const [meeting] = await tx.select().from(meetings).where(and(eq(meetings.tenantId, tenantId), eq(meetings.id, meetingId)));
  return meeting;
}

/** The meeting with the id of its conversation (null until the first transcript line or bill): one statement for webhooks. */
export async function getMeetingWithSession(tx: Transaction, tenantId: string, meetingId: string) {
  const [row] = await tx
    .select({
      meeting: meetings,
      sessionId: sql<string | null>`(select ${sessions.id} from ${sessions} where ${sessions.tenantId} = ${meetings.tenantId}
        and ${sessions.meetingId} = ${meetings.id} and ${sessions.mode} = 'meeting' order by ${sessions.createdAt} limit 1)`,
    })
    .from(meetings)
    .where(and(eq(meetings.tenantId, tenantId), eq(meetings.id, meetingId)));
  return row;
}

/** The same row, locked until the transaction ends (serialises billing and session creation per meeting). */
export async function lockMeeting(tx: Transaction, tenantId: string, meetingId: string): Promise<Meeting | undefined> {
  const [meeting] = await tx.select().from(meetings).where(and(eq(meetings.tenantId, tenantId), eq(meetings.id, meetingId))).for('update');
  return meeting;
}

export async function updateMeeting(
  tx: Transaction,
  tenantId: string,
  meetingId: string,
  values: Partial<Omit<NewMeeting, 'id' | 'tenantId' | 'roomName' | 'createdAt'>>,
): Promise<Meeting | undefined> {
  const [meeting] = await tx
    .update(meetings)
    .set(values)
    .where(and(eq(meetings.tenantId, tenantId), eq(meetings.id, meetingId)))
    .returning();
  return meeting;
}

/** Records evidence that the room runs: the start is the earliest such time seen, in any order. */
export async function markMeetingStarted(tx: Transaction, tenantId: string, meetingId: string, at: Date, roomSid?: string) {
  await tx
    .update(meetings)
    .set({
      startedAt: sql`least(${meetings.startedAt}, ${at.toISOString()}::timestamptz)`,
      livekitRoomId: sql`coalesce(${meetings.livekitRoomId}, ${roomSid ?? null})`,
    })
    .where(and(eq(meetings.tenantId, tenantId), eq(meetings.id, meetingId)));
}

/** Records the room's end (LiveKit's time wins over the one "End meeting" wrote a moment before). */
export async function markMeetingEnded(tx: Transaction, tenantId: string, meetingId: string, at: Date, roomSid?: string) {
  await tx
    .update(meetings)
    .set({
      endedAt: at,
      startedAt: sql`coalesce(${meetings.startedAt}, ${at.toISOString()}::timestamptz)`,
      livekitRoomId: sql`coalesce(${meetings.livekitRoomId}, ${roomSid ?? null})`,
    })
    .where(and(eq(meetings.tenantId, tenantId), eq(meetings.id, meetingId)));
}

/** The assistant's connection came or went: an invited assistant is active; one that left is off. */
export async function setAssistantPresence(tx: Transaction, tenantId: string, meetingId: string, present: boolean) {
  await tx
    .update(meetings)
    .set({ assistantState: present ? 'active' : 'off' })
    .where(and(eq(meetings.tenantId, tenantId), eq(meetings.id, meetingId), present ? eq(meetings.assistantState, 'invited') : sql`${meetings.assistantState} <> 'off'`));
}

/** Whether anyone ever connected to the meeting's room. */
export async function hasParticipants(tx: Transaction, tenantId: string, meetingId: string): Promise<boolean> {
  const [row] = await tx
    .select({ id: meetingParticipants.id })
    .from(meetingParticipants)
    .where(and(eq(meetingParticipants.tenantId, tenantId), eq(meetingParticipants.meetingId, meetingId)))
    .limit(1);
  return !!row;
}

/** Deletes the meeting, its participants (cascade) and its transcript; cost events stay, unlinked. */
export async function deleteMeeting(tx: Transaction, tenantId: string, meetingId: string): Promise<boolean> {
  await tx.delete(sessions).where(and(eq(sessions.tenantId, tenantId), eq(sessions.meetingId, meetingId)));
  const deleted = await tx.delete(meetings).where(and(eq(meetings.tenantId, tenantId), eq(meetings.id, meetingId))).returning({ id: meetings.id });
  return deleted.length > 0;
}

export type MeetingCursor = { createdAt: string; id: string };

/** Meetings newest first, a page after `cursor` (keyset on created_at, id). */
export async function listMeetings(tx: Transaction, tenantId: string, filter: { status?: MeetingStatus }, cursor: MeetingCursor | undefined, limit: number) {
  const where: SQL[] = [eq(meetings.tenantId, tenantId)];
  if (filter.status) where.push(STATUS_FILTERS[filter.status]);
  if (cursor) where.push(sql`(${meetings.createdAt}, ${meetings.id}) < (${cursor.createdAt}::timestamptz, ${cursor.id}::uuid)`);
  const rows = await tx
    .select({
      id: meetings.id,
      title: meetings.title,
      scheduledFor: meetings.scheduledFor,
      startedAt: meetings.startedAt,
      endedAt: meetings.endedAt,
      participantMinutes: meetings.participantMinutes,
      assistantState: meetings.assistantState,
      createdAt: meetings.createdAt,
      cursorCreatedAt: sql<string>`${meetings.createdAt}::text`,
      people: sql<number>`(select count(distinct ${meetingParticipants.identity})::int from ${meetingParticipants}
        where ${meetingParticipants.tenantId} = ${meetings.tenantId} and ${meetingParticipants.meetingId} = ${meetings.id})`,
    })
    .from(meetings)
    .where(and(...where))
    .orderBy(desc(meetings.createdAt), desc(meetings.id))
    .limit(limit + 1);
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return { rows: page, next: rows.length > limit && last ? ({ createdAt: last.cursorCreatedAt, id: last.id } satisfies MeetingCursor) : undefined };
}

/** A meeting by the tenant and id a signed link or webhook names (read in that tenant's scope). */
export async function resolveMeeting(tx: Transaction, tenantId: string, meetingId: string): Promise<Meeting | undefined> {
  const [meeting] = await tx.select().from(meetings).where(and(eq(meetings.tenantId, tenantId), eq(meetings.id, meetingId)));
  return meeting;
}

/** Meetings the reconciler looks at (as app_system): running ones, and ones ended in the last day. */
export async function listMeetingsToReconcile(tx: Transaction, endedSince: Date) {
  return tx
    .select({ id: meetings.id, tenantId: meetings.tenantId })
    .from(meetings)
    .where(and(isNotNull(meetings.startedAt), or(isNull(meetings.endedAt), gt(meetings.endedAt, endedSince))))
    .orderBy(asc(meetings.startedAt));
}

// ---------- webhooks ----------

/** Claims a webhook id; false when it was processed before (a retry or a replay). */
export async function claimWebhookEvent(tx: Transaction, tenantId: string, eventId: string, event: string): Promise<boolean> {
  const claimed = await tx
    .insert(livekitWebhookEvents)
    .values({ tenantId, eventId, event })
    .onConflictDoNothing()
    .returning({ eventId: livekitWebhookEvents.eventId });
  return claimed.length > 0;
}

export async function forgetWebhookEventsBefore(tx: Transaction, tenantId: string, before: Date): Promise<number> {
  const deleted = await tx
    .delete(livekitWebhookEvents)
    .where(and(eq(livekitWebhookEvents.tenantId, tenantId), sql`${livekitWebhookEvents.receivedAt} < ${before}`))
    .returning({ eventId: livekitWebhookEvents.eventId });
  return deleted.length;
}

// ---------- participants ----------

/**
 * Records what one event says about a participant connection, whichever event comes first:
 * a known join time is kept (the earliest), a known leave time is kept (the first close wins,
 * so a retried or late event cannot move it).
 */
export async function upsertParticipant(
  tx: Transaction,
  values: Pick<NewMeetingParticipant, 'tenantId' | 'meetingId' | 'participantSid' | 'identity' | 'name' | 'kind' | 'joinedAt' | 'leftAt' | 'closeReason'>,
): Promise<MeetingParticipant> {
  const [row] = await tx
    .insert(meetingParticipants)
    .values(values)
    .onConflictDoUpdate({
      target: [meetingParticipants.tenantId, meetingParticipants.meetingId, meetingParticipants.participantSid],
      set: {
        name: sql`coalesce(excluded.name, ${meetingParticipants.name})`,
        joinedAt: sql`least(${meetingParticipants.joinedAt}, excluded.joined_at)`,
        leftAt: sql`coalesce(${meetingParticipants.leftAt}, excluded.left_at)`,
        closeReason: sql`coalesce(${meetingParticipants.closeReason}, excluded.close_reason)`,
      },
    })
    .returning();
  return row!;
}

export async function listParticipants(tx: Transaction, tenantId: string, meetingId: string): Promise<MeetingParticipant[]> {
  return tx
    .select()
    .from(meetingParticipants)
    .where(and(eq(meetingParticipants.tenantId, tenantId), eq(meetingParticipants.meetingId, meetingId)))
    .orderBy(asc(meetingParticipants.joinedAt), asc(meetingParticipants.id));
}

/** Connections not billed yet (still in the room, or waiting for their other end). */
export async function listOpenParticipants(tx: Transaction, tenantId: string, meetingId: string): Promise<MeetingParticipant[]> {
  return tx
    .select()
    .from(meetingParticipants)
    .where(and(eq(meetingParticipants.tenantId, tenantId), eq(meetingParticipants.meetingId, meetingId), isNull(meetingParticipants.billedMinutes)));
}

/** Closes a connection whose leave event never came; a close already recorded is kept. */
export async function closeParticipant(
  tx: Transaction,
  tenantId: string,
  participantId: string,
  values: { joinedAt: Date; leftAt: Date; closeReason: MeetingParticipant['closeReason'] },
): Promise<MeetingParticipant | undefined> {
  const [row] = await tx
    .update(meetingParticipants)
    .set({
      joinedAt: sql`coalesce(${meetingParticipants.joinedAt}, ${values.joinedAt})`,
      leftAt: sql`coalesce(${meetingParticipants.leftAt}, ${values.leftAt})`,
      closeReason: sql`coalesce(${meetingParticipants.closeReason}, ${values.closeReason})`,
    })
    .where(and(eq(meetingParticipants.tenantId, tenantId), eq(meetingParticipants.id, participantId)))
    .returning();
  return row;
}

/** Records the bill of a connection (its minutes and cost event). */
export async function markParticipantBilled(tx: Transaction, tenantId: string, participantId: string, minutes: number, costEventId: string) {
  await tx
    .update(meetingParticipants)
    .set({ billedMinutes: minutes, costEventId })
    .where(and(eq(meetingParticipants.tenantId, tenantId), eq(meetingParticipants.id, participantId), isNull(meetingParticipants.billedMinutes)));
}

export async function addMeetingMinutes(tx: Transaction, tenantId: string, meetingId: string, minutes: number) {
  await tx
    .update(meetings)
    .set({ participantMinutes: sql`${meetings.participantMinutes} + ${minutes}` })
    .where(and(eq(meetings.tenantId, tenantId), eq(meetings.id, meetingId)));
}

// ---------- transcript and costs ----------

export async function getMeetingSession(tx: Transaction, tenantId: string, meetingId: string) {
  const [session] = await tx
    .select()
    .from(sessions)
    .where(and(eq(sessions.tenantId, tenantId), eq(sessions.meetingId, meetingId), eq(sessions.mode, 'meeting')))
    .orderBy(asc(sessions.createdAt))
    .limit(1);
  return session;
}

export async function listMeetingTranscript(tx: Transaction, tenantId: string, meetingId: string) {
  return tx
    .select({ id: messages.id, role: messages.role, content: messages.content, status: messages.status, sources: messages.sources, metadata: messages.metadata, createdAt: messages.createdAt })
    .from(messages)
    .innerJoin(sessions, and(eq(sessions.tenantId, messages.tenantId), eq(sessions.id, messages.sessionId)))
    .where(and(eq(messages.tenantId, tenantId), eq(sessions.meetingId, meetingId)))
    .orderBy(asc(messages.createdAt), asc(messages.id));
}

/** The meeting's spend per service (its minutes, speech, model and vision calls), summed in SQL. */
export async function getMeetingCosts(tx: Transaction, tenantId: string, meetingId: string) {
  return tx
    .select({
      service: costEvents.service,
      costUsd: sql<string>`sum(${costEvents.costUsd})::text`,
      events: sql<number>`count(*)::int`,
      totalUsd: sql<string>`(sum(sum(${costEvents.costUsd})) over ())::text`,
    })
    .from(costEvents)
    .innerJoin(sessions, and(eq(sessions.tenantId, costEvents.tenantId), eq(sessions.id, costEvents.sessionId)))
    .where(and(eq(costEvents.tenantId, tenantId), eq(sessions.meetingId, meetingId)))
    .groupBy(costEvents.service)
    .orderBy(costEvents.service);
}
