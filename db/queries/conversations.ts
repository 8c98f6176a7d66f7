import 'server-only';
import { and, asc, desc, eq, sql } from 'drizzle-orm';
import type { Transaction } from '../client';
import { type Message, type MessageMetadata, type MessageSource, messages, type NewSession, sessions } from '../schema';

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
export async function startExchange(tx: Transaction, tenantId: string, sessionId: string, content: string) {
  const [question] = await tx.insert(messages).values({ tenantId, sessionId, role: 'user', content, status: 'complete' }).returning();
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
  reply: { id: string; sessionId: string; content: string; status: 'complete' | 'failed'; sources: MessageSource[]; metadata: MessageMetadata },
) {
  await tx
    .update(messages)
    .set({ content: reply.content, status: reply.status, sources: reply.sources, metadata: reply.metadata })
    .where(and(eq(messages.tenantId, tenantId), eq(messages.id, reply.id)));
  if (reply.metadata.costUsd) {
    await tx
      .update(sessions)
      .set({ costUsd: sql`${sessions.costUsd} + ${reply.metadata.costUsd}::numeric` })
      .where(and(eq(sessions.tenantId, tenantId), eq(sessions.id, reply.sessionId)));
  }
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
