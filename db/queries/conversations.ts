import 'server-only';
import { and, asc, desc, eq, gte, inArray, lte, type SQL, sql } from 'drizzle-orm';
import type { Transaction } from '../client';
import {
  type AnswerStatus,
  type Message,
  type MessageAttachment,
  type MessageMetadata,
  type MessageSource,
  messages,
  type NewSession,
  SESSION_MODES,
  SESSION_SOURCES,
  sessions,
  visitors,
  widgets,
} from '../schema';

export async function createSession(tx: Transaction, values: NewSession) {
  const [session] = await tx.insert(sessions).values(values).returning();
  return session!;
}

export async function getSessionById(tx: Transaction, tenantId: string, sessionId: string) {
  const [session] = await tx
    .select()
    .from(sessions)
    .where(and(eq(sessions.tenantId, tenantId), eq(sessions.id, sessionId)));
  return session;
}

/** The latest messages of a session, oldest first (what a prompt's history is built from). */
export async function listRecentMessages(tx: Transaction, tenantId: string, sessionId: string, limit: number): Promise<Message[]> {
  const rows = await tx
    .select()
    .from(messages)
    .where(and(eq(messages.tenantId, tenantId), eq(messages.sessionId, sessionId)))
    .orderBy(desc(messages.createdAt), desc(messages.id))
    .limit(limit);
  return rows.reverse();
}

export async function listSessionMessages(tx: Transaction, tenantId: string, sessionId: string): Promise<Message[]> {
  return tx
    .select()
    .from(messages)
    .where(and(eq(messages.tenantId, tenantId), eq(messages.sessionId, sessionId)))
    .orderBy(asc(messages.createdAt), asc(messages.id));
}

/**
 * Stores a visitor's message and the assistant's reply-to-be in one statement pair, so the
 * question is on record before any model is called.
 */
export async function startExchange(
  tx: Transaction,
  tenantId: string,
  sessionId: string,
  content: string,
  metadata: MessageMetadata = {},
  attachments: MessageAttachment[] = [],
) {
  const [question] = await tx.insert(messages).values({ tenantId, sessionId, role: 'user', content, status: 'complete', metadata, attachments }).returning();
  // The reply is created a moment later so the transcript orders question before answer.
  const [reply] = await tx
    .insert(messages)
    .values({ tenantId, sessionId, role: 'assistant', content: '', status: 'streaming', createdAt: sql`clock_timestamp()` })
    .returning();
  await tx
    .update(sessions)
    .set({ messageCount: sql`${sessions.messageCount} + 2`, lastMessageAt: sql`now()` })
    .where(and(eq(sessions.tenantId, tenantId), eq(sessions.id, sessionId)));
  return { question: question!, reply: reply! };
}

export async function finishReply(
  tx: Transaction,
  tenantId: string,
  reply: {
    id: string;
    sessionId: string;
    content: string;
    status: 'complete' | 'failed';
    answerStatus: AnswerStatus | null;
    sources: MessageSource[];
    metadata: MessageMetadata;
  },
) {
  await tx
    .update(messages)
    .set({ content: reply.content, status: reply.status, answerStatus: reply.answerStatus, sources: reply.sources, metadata: reply.metadata })
    .where(and(eq(messages.tenantId, tenantId), eq(messages.id, reply.id)));
  // A reply without a grounded answer marks its conversation as unanswered.
  if (reply.answerStatus === 'no_match' || reply.answerStatus === 'uncited') {
    await tx
      .update(sessions)
      .set({ unansweredAt: sql`now()` })
      .where(and(eq(sessions.tenantId, tenantId), eq(sessions.id, reply.sessionId)));
  }
}

/** Stores one message as it is (a meeting utterance the assistant did not answer). */
export async function addMessage(tx: Transaction, values: { tenantId: string; sessionId: string; role: 'user' | 'assistant'; content: string; metadata?: MessageMetadata; sources?: MessageSource[] }) {
  const [message] = await tx.insert(messages).values({ ...values, status: 'complete', createdAt: sql`clock_timestamp()` }).returning();
  await tx
    .update(sessions)
    .set({ messageCount: sql`${sessions.messageCount} + 1`, lastMessageAt: sql`now()` })
    .where(and(eq(sessions.tenantId, values.tenantId), eq(sessions.id, values.sessionId)));
  return message!;
}

/** Records a visitor's thumbs up (1), down (-1) or neither (null) on one of the session's answers. */
export async function setMessageFeedback(tx: Transaction, tenantId: string, sessionId: string, messageId: string, feedback: 1 | -1 | null) {
  const updated = await tx
    .update(messages)
    .set({ feedback })
    .where(and(eq(messages.tenantId, tenantId), eq(messages.sessionId, sessionId), eq(messages.id, messageId), eq(messages.role, 'assistant')))
    .returning({ id: messages.id });
  return updated.length > 0;
}

export type ConversationFilters = {
  widgetId?: string;
  mode?: (typeof SESSION_MODES)[number];
  source?: (typeof SESSION_SOURCES)[number];
  /** Inclusive bounds on when the conversation started. */
  from?: Date;
  to?: Date;
};

/** Keyset position: the exact `created_at` as PostgreSQL prints it (JS dates drop microseconds) and the id. */
export type ConversationCursor = { createdAt: string; id: string };

function conversationFilters(tenantId: string, filters: ConversationFilters): SQL[] {
  const where: SQL[] = [eq(sessions.tenantId, tenantId)];
  if (filters.widgetId) where.push(eq(sessions.widgetId, filters.widgetId));
  if (filters.mode) where.push(eq(sessions.mode, filters.mode));
  if (filters.source) where.push(eq(sessions.source, filters.source));
  if (filters.from) where.push(gte(sessions.createdAt, filters.from));
  if (filters.to) where.push(lte(sessions.createdAt, filters.to));
  return where;
}

/** Conversations newest first, a page after `cursor`, with the first question as a preview. */
export async function listConversations(tx: Transaction, tenantId: string, filters: ConversationFilters, cursor: ConversationCursor | undefined, limit: number) {
  const where = conversationFilters(tenantId, filters);
  if (cursor) where.push(sql`(${sessions.createdAt}, ${sessions.id}) < (${cursor.createdAt}::timestamptz, ${cursor.id}::uuid)`);
  const firstQuestion = tx
    .select({ content: messages.content })
    .from(messages)
    .where(and(eq(messages.tenantId, tenantId), eq(messages.sessionId, sessions.id), eq(messages.role, 'user')))
    .orderBy(asc(messages.createdAt), asc(messages.id))
    .limit(1);
  const rows = await tx
    .select({
      id: sessions.id,
      createdAt: sessions.createdAt,
      cursorCreatedAt: sql<string>`${sessions.createdAt}::text`,
      source: sessions.source,
      mode: sessions.mode,
      widgetId: sessions.widgetId,
      widgetName: widgets.name,
      messageCount: sessions.messageCount,
      costUsd: sessions.costUsd,
      lastMessageAt: sessions.lastMessageAt,
      metadata: sessions.metadata,
      firstQuestion: sql<string | null>`(${firstQuestion})`,
      // The verified visitor (signed in on the website), if any.
      visitorExternalId: visitors.externalId,
      visitorName: visitors.name,
      visitorEmail: visitors.email,
      visitorEmailVerified: visitors.emailVerified,
      visitorAttributes: visitors.attributes,
    })
    .from(sessions)
    .leftJoin(widgets, and(eq(widgets.tenantId, sessions.tenantId), eq(widgets.id, sessions.widgetId)))
    .leftJoin(visitors, and(eq(visitors.tenantId, sessions.tenantId), eq(visitors.id, sessions.visitorId)))
    .where(and(...where))
    .orderBy(desc(sessions.createdAt), desc(sessions.id))
    .limit(limit + 1);
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return {
    rows: page,
    next: rows.length > limit && last ? ({ createdAt: last.cursorCreatedAt, id: last.id } satisfies ConversationCursor) : undefined,
  };
}
export type ConversationRow = Awaited<ReturnType<typeof listConversations>>['rows'][number];

/** Messages of several sessions at once (for exports), in transcript order. */
export async function listMessagesOfSessions(tx: Transaction, tenantId: string, sessionIds: string[]): Promise<Message[]> {
  if (sessionIds.length === 0) return [];
  return tx
    .select()
    .from(messages)
    .where(and(eq(messages.tenantId, tenantId), inArray(messages.sessionId, sessionIds)))
    .orderBy(asc(messages.sessionId), asc(messages.createdAt), asc(messages.id));
}

/** One conversation with the name of its widget, if any. */
export async function getConversation(tx: Transaction, tenantId: string, sessionId: string) {
  const [row] = await tx
    .select({ session: sessions, widgetName: widgets.name })
    .from(sessions)
    .leftJoin(widgets, and(eq(widgets.tenantId, sessions.tenantId), eq(widgets.id, sessions.widgetId)))
    .where(and(eq(sessions.tenantId, tenantId), eq(sessions.id, sessionId)));
  return row;
}

/** Deletes a conversation and (by cascade) its messages; cost events keep their amounts, unlinked. */
export async function deleteConversation(tx: Transaction, tenantId: string, sessionId: string): Promise<boolean> {
  const deleted = await tx.delete(sessions).where(and(eq(sessions.tenantId, tenantId), eq(sessions.id, sessionId))).returning({ id: sessions.id });
  return deleted.length > 0;
}

/**
 * Replies still marked streaming long after any reply could take were cut off by a process
 * that stopped mid-answer: they are closed as failed so no transcript shows a half answer.
 */
export async function failInterruptedReplies(tx: Transaction, tenantId: string, content: string, olderThanMs: number): Promise<number> {
  const interrupted = await tx
    .update(messages)
    .set({ status: 'failed', content, metadata: sql`${messages.metadata} || ${JSON.stringify({ error: 'The reply was interrupted (the server stopped while answering).' })}::jsonb` })
    .where(
      and(
        eq(messages.tenantId, tenantId),
        eq(messages.status, 'streaming'),
        sql`${messages.createdAt} < now() - make_interval(secs => ${olderThanMs / 1000})`,
      ),
    )
    .returning({ id: messages.id });
  return interrupted.length;
}
