import 'server-only';
import { and, asc, desc, eq, gte, inArray, ne, or, sql } from 'drizzle-orm';
import type { Transaction } from '../client';
import {
  type ConversationEventType,
  conversationEvents,
  type Handoff,
  type HandoffReason,
  type HandoffStatus,
  handoffs,
  memberships,
  messages,
  OPEN_HANDOFF_STATUSES,
  sessions,
  supportSettings,
  users,
  visitors,
  type WeeklyHours,
  widgets,
} from '../schema';

const isOpen = sql`${handoffs.status} in ('waiting', 'assigned')`;

/** The conversation's open handoff (waiting or assigned), if any. */
export async function getOpenHandoff(tx: Transaction, tenantId: string, sessionId: string): Promise<Handoff | undefined> {
  const [handoff] = await tx
    .select()
    .from(handoffs)
    .where(and(eq(handoffs.tenantId, tenantId), eq(handoffs.sessionId, sessionId), inArray(handoffs.status, [...OPEN_HANDOFF_STATUSES])));
  return handoff;
}

/** The conversation's latest handoff, open or closed. */
export async function getLatestHandoff(tx: Transaction, tenantId: string, sessionId: string): Promise<Handoff | undefined> {
  const [handoff] = await tx
    .select()
    .from(handoffs)
    .where(and(eq(handoffs.tenantId, tenantId), eq(handoffs.sessionId, sessionId)))
    .orderBy(desc(handoffs.requestedAt), desc(handoffs.id))
    .limit(1);
  return handoff;
}

export async function getHandoffById(tx: Transaction, tenantId: string, handoffId: string): Promise<Handoff | undefined> {
  const [handoff] = await tx.select().from(handoffs).where(and(eq(handoffs.tenantId, tenantId), eq(handoffs.id, handoffId)));
  return handoff;
}

/** Opens a handoff unless one is open already (the partial unique index decides races): undefined then. */
export async function insertHandoff(
  tx: Transaction,
  values: { tenantId: string; sessionId: string; reason: HandoffReason; leadRequested: boolean },
): Promise<Handoff | undefined> {
  const [handoff] = await tx
    .insert(handoffs)
    .values({ tenantId: values.tenantId, sessionId: values.sessionId, reason: values.reason, leadRequestedAt: values.leadRequested ? sql`now()` : undefined })
    .onConflictDoNothing({ target: [handoffs.tenantId, handoffs.sessionId], where: isOpen })
    .returning();
  return handoff;
}

/**
 * Moves a handoff from one of `from` to `to` in one conditional UPDATE: of two members racing,
 * the second finds the row no longer in `from` (PostgreSQL re-checks the condition after the
 * first commits) and gets undefined. `assignee` restricts it to the handoffs of one member.
 */
export async function transitionHandoff(
  tx: Transaction,
  tenantId: string,
  handoffId: string,
  change: { from: readonly HandoffStatus[]; to: HandoffStatus; assignedTo?: string | null; assignee?: string },
): Promise<Handoff | undefined> {
  const opening = change.to === 'assigned';
  const closing = change.to === 'resolved' || change.to === 'cancelled';
  const [handoff] = await tx
    .update(handoffs)
    .set({
      status: change.to,
      ...(change.assignedTo !== undefined ? { assignedTo: change.assignedTo } : {}),
      ...(opening ? { assignedAt: sql`now()` } : {}),
      ...(closing ? { closedAt: sql`now()` } : {}),
    })
    .where(
      and(
        eq(handoffs.tenantId, tenantId),
        eq(handoffs.id, handoffId),
        inArray(handoffs.status, [...change.from]),
        change.assignee ? eq(handoffs.assignedTo, change.assignee) : undefined,
      ),
    )
    .returning();
  return handoff;
}

/** Asks for the visitor's email on an open handoff, once; true if this call asked. */
export async function markLeadRequested(tx: Transaction, tenantId: string, handoffId: string): Promise<boolean> {
  const updated = await tx
    .update(handoffs)
    .set({ leadRequestedAt: sql`now()` })
    .where(and(eq(handoffs.tenantId, tenantId), eq(handoffs.id, handoffId), eq(handoffs.status, 'waiting'), sql`${handoffs.leadRequestedAt} is null`))
    .returning({ id: handoffs.id });
  return updated.length > 0;
}

export async function saveLead(tx: Transaction, tenantId: string, handoffId: string, lead: { email: string; note: string | null }) {
  const [handoff] = await tx
    .update(handoffs)
    .set({ leadEmail: lead.email, leadNote: lead.note, leadCapturedAt: sql`now()` })
    .where(and(eq(handoffs.tenantId, tenantId), eq(handoffs.id, handoffId)))
    .returning();
  return handoff;
}

export async function insertConversationEvent(
  tx: Transaction,
  values: {
    tenantId: string;
    sessionId: string;
    handoffId?: string;
    type: ConversationEventType;
    actor: 'visitor' | 'member' | 'system';
    actorUserId?: string;
    actorName?: string | null;
    reason?: string | null;
  },
) {
  const [event] = await tx.insert(conversationEvents).values(values).returning();
  return event!;
}

export async function listConversationEvents(tx: Transaction, tenantId: string, sessionId: string, since?: Date) {
  return tx
    .select()
    .from(conversationEvents)
    .where(and(eq(conversationEvents.tenantId, tenantId), eq(conversationEvents.sessionId, sessionId), since ? gte(conversationEvents.createdAt, since) : undefined))
    .orderBy(asc(conversationEvents.createdAt), asc(conversationEvents.id));
}

export async function listEventsOfSessions(tx: Transaction, tenantId: string, sessionIds: string[]) {
  if (sessionIds.length === 0) return [];
  return tx
    .select()
    .from(conversationEvents)
    .where(and(eq(conversationEvents.tenantId, tenantId), inArray(conversationEvents.sessionId, sessionIds)))
    .orderBy(asc(conversationEvents.sessionId), asc(conversationEvents.createdAt), asc(conversationEvents.id));
}

/** Visitor-visible messages (no system rows) created at or after `since`, oldest first. */
export async function listMessagesSince(tx: Transaction, tenantId: string, sessionId: string, since: Date) {
  return tx
    .select()
    .from(messages)
    .where(and(eq(messages.tenantId, tenantId), eq(messages.sessionId, sessionId), ne(messages.role, 'system'), gte(messages.createdAt, since)))
    .orderBy(asc(messages.createdAt), asc(messages.id));
}

/** The latest finished assistant answers, newest first (to tell whether the assistant keeps failing). */
export async function listLatestAnswers(tx: Transaction, tenantId: string, sessionId: string, limit: number) {
  return tx
    .select()
    .from(messages)
    .where(and(eq(messages.tenantId, tenantId), eq(messages.sessionId, sessionId), eq(messages.role, 'assistant'), ne(messages.status, 'streaming')))
    .orderBy(desc(messages.createdAt), desc(messages.id))
    .limit(limit);
}

/** Stores a message outside the assistant's exchange (a visitor writing to a person, a member's reply). */
export async function insertConversationMessage(
  tx: Transaction,
  values: { tenantId: string; sessionId: string; role: 'user' | 'agent'; content: string; agentId?: string; agentName?: string },
) {
  const [message] = await tx
    .insert(messages)
    .values({
      tenantId: values.tenantId,
      sessionId: values.sessionId,
      role: values.role,
      content: values.content,
      status: 'complete',
      metadata: values.role === 'agent' ? { agentId: values.agentId, agentName: values.agentName } : {},
      createdAt: sql`clock_timestamp()`,
    })
    .returning();
  await tx
    .update(sessions)
    .set({ messageCount: sql`${sessions.messageCount} + 1`, lastMessageAt: sql`now()` })
    .where(and(eq(sessions.tenantId, values.tenantId), eq(sessions.id, values.sessionId)));
  return message!;
}

const lastMessage = (tenantId: string) => sql<string | null>`(
  select ${messages.content} from ${messages}
  where ${messages.tenantId} = ${tenantId} and ${messages.sessionId} = ${handoffs.sessionId} and ${messages.role} <> 'system'
  order by ${messages.createdAt} desc, ${messages.id} desc limit 1)`;

/** Open handoffs (the Inbox): waiting first, oldest first, with who they are from and where they stand. */
export async function listInbox(tx: Transaction, tenantId: string, limit = 200) {
  return tx
    .select({
      handoffId: handoffs.id,
      sessionId: handoffs.sessionId,
      status: handoffs.status,
      reason: handoffs.reason,
      requestedAt: handoffs.requestedAt,
      assignedTo: handoffs.assignedTo,
      assigneeName: users.name,
      assigneeEmail: users.email,
      leadEmail: handoffs.leadEmail,
      leadRequestedAt: handoffs.leadRequestedAt,
      widgetName: widgets.name,
      visitorExternalId: visitors.externalId,
      visitorName: visitors.name,
      visitorEmail: visitors.email,
      lastMessageAt: sessions.lastMessageAt,
      lastMessage: lastMessage(tenantId),
    })
    .from(handoffs)
    .innerJoin(sessions, and(eq(sessions.tenantId, handoffs.tenantId), eq(sessions.id, handoffs.sessionId)))
    .leftJoin(widgets, and(eq(widgets.tenantId, sessions.tenantId), eq(widgets.id, sessions.widgetId)))
    .leftJoin(visitors, and(eq(visitors.tenantId, sessions.tenantId), eq(visitors.id, sessions.visitorId)))
    .leftJoin(users, eq(users.id, handoffs.assignedTo))
    .where(and(eq(handoffs.tenantId, tenantId), isOpen))
    .orderBy(sql`${handoffs.status} = 'assigned'`, asc(handoffs.requestedAt), asc(handoffs.id))
    .limit(limit);
}
export type InboxRow = Awaited<ReturnType<typeof listInbox>>[number];

/** The handoffs of conversations, newest first per session (for the transcript and exports). */
export async function listHandoffsOfSessions(tx: Transaction, tenantId: string, sessionIds: string[]) {
  if (sessionIds.length === 0) return [];
  return tx
    .select()
    .from(handoffs)
    .where(and(eq(handoffs.tenantId, tenantId), inArray(handoffs.sessionId, sessionIds)))
    .orderBy(asc(handoffs.sessionId), desc(handoffs.requestedAt));
}

export const DEFAULT_WEEKLY_HOURS: WeeklyHours = [
  { open: '09:00', close: '17:00' },
  { open: '09:00', close: '17:00' },
  { open: '09:00', close: '17:00' },
  { open: '09:00', close: '17:00' },
  { open: '09:00', close: '17:00' },
  null,
  null,
];

export type SupportSettingsValues = {
  handoffEnabled: boolean;
  timeZone: string;
  officeHoursEnabled: boolean;
  weeklyHours: WeeklyHours;
  pickupTimeoutMinutes: number;
};

/** The workspace's handoff settings, or the defaults (handoff on, no office hours, 5 minutes to pick up). */
export async function getSupportSettings(tx: Transaction, tenantId: string): Promise<SupportSettingsValues> {
  const [row] = await tx.select().from(supportSettings).where(eq(supportSettings.tenantId, tenantId));
  return row
    ? { handoffEnabled: row.handoffEnabled, timeZone: row.timeZone, officeHoursEnabled: row.officeHoursEnabled, weeklyHours: row.weeklyHours, pickupTimeoutMinutes: row.pickupTimeoutMinutes }
    : { handoffEnabled: true, timeZone: 'UTC', officeHoursEnabled: false, weeklyHours: DEFAULT_WEEKLY_HOURS, pickupTimeoutMinutes: 5 };
}

export async function saveSupportSettings(tx: Transaction, tenantId: string, values: SupportSettingsValues) {
  await tx.insert(supportSettings).values({ tenantId, ...values }).onConflictDoUpdate({ target: supportSettings.tenantId, set: values });
}

export async function setMemberOnDuty(tx: Transaction, tenantId: string, userId: string, onDuty: boolean): Promise<boolean> {
  const updated = await tx
    .update(memberships)
    .set({ onDuty })
    .where(and(eq(memberships.tenantId, tenantId), eq(memberships.userId, userId)))
    .returning({ userId: memberships.userId });
  return updated.length > 0;
}

export async function isMemberOnDuty(tx: Transaction, tenantId: string, userId: string): Promise<boolean> {
  const [row] = await tx
    .select({ onDuty: memberships.onDuty })
    .from(memberships)
    .where(and(eq(memberships.tenantId, tenantId), eq(memberships.userId, userId)));
  return row?.onDuty ?? false;
}

/** Who hears about a visitor waiting: the members on duty, or the owners and admins when nobody is. */
export async function listHandoffRecipients(tx: Transaction, tenantId: string): Promise<string[]> {
  const rows = await tx
    .select({ email: users.email, onDuty: memberships.onDuty, role: memberships.role })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(and(eq(memberships.tenantId, tenantId), or(eq(memberships.onDuty, true), inArray(memberships.role, ['owner', 'admin']))));
  const onDuty = rows.filter((row) => row.onDuty);
  return (onDuty.length > 0 ? onDuty : rows).map((row) => row.email);
}

/** A team member's name as visitors see it (never their email). */
export async function getMemberDisplayName(tx: Transaction, userId: string): Promise<string> {
  const [user] = await tx.select({ name: users.name }).from(users).where(eq(users.id, userId));
  return user?.name?.trim() || 'A team member';
}
