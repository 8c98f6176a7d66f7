import 'server-only';
import { and, desc, eq, exists, gt, inArray, lt, lte, ne, sql } from 'drizzle-orm';
import { alias, type AnyPgColumn } from 'drizzle-orm/pg-core';
import type { Transaction } from '../client';
import { handoffs, messages, sessions } from '../schema';

// Why a visitor's question counts as unanswered; a question can have several reasons.
export const UNANSWERED_REASONS = ['no_match', 'uncited', 'thumbs_down', 'handoff'] as const;
export type UnansweredReason = (typeof UNANSWERED_REASONS)[number];

export type UnansweredQuestionRow = { id: string; sessionId: string; content: string; askedAt: Date; reasons: UnansweredReason[] };

const answeredBy = (metadata: AnyPgColumn) => sql`${metadata}->>'answeredByDocumentId'`;

/**
 * Visitors' and playground questions (the visitor's message before an assistant reply) that got
 * no grounded answer, newest first, at most `limit`: the reply found no passage (`no_match`) or
 * cited none (`uncited`), the visitor voted it down, or the conversation went to a person (the
 * last question the assistant replied to before the request). Questions already answered from
 * this page (`answeredByDocumentId`) and meeting transcripts are left out.
 */
export async function listUnansweredQuestions(tx: Transaction, tenantId: string, limit: number): Promise<UnansweredQuestionRow[]> {
  const reply = alias(messages, 'reply');
  const question = alias(messages, 'question');
  const questionFields = { id: question.id, content: question.content, createdAt: question.createdAt, answeredBy: answeredBy(question.metadata).as('answered_by') };
  // The reply's question: the visitor's latest message at or before it.
  const askedBefore = tx
    .select(questionFields)
    .from(question)
    .where(and(eq(question.tenantId, reply.tenantId), eq(question.sessionId, reply.sessionId), eq(question.role, 'user'), lte(question.createdAt, reply.createdAt)))
    .orderBy(desc(question.createdAt), desc(question.id))
    .limit(1)
    .as('asked');
  const flagged = await tx
    .select({ id: askedBefore.id, sessionId: reply.sessionId, content: askedBefore.content, askedAt: askedBefore.createdAt, answerStatus: reply.answerStatus, feedback: reply.feedback })
    .from(reply)
    .innerJoin(sessions, and(eq(sessions.tenantId, reply.tenantId), eq(sessions.id, reply.sessionId)))
    .innerJoinLateral(askedBefore, sql`true`)
    .where(
      and(
        eq(reply.tenantId, tenantId),
        eq(reply.role, 'assistant'),
        // Written as the predicate of the partial index `messages_tenant_needs_answer_idx`, so the planner can use it.
        sql`(${reply.answerStatus} in ('no_match', 'uncited') or ${reply.feedback} = -1)`,
        ne(sessions.source, 'meeting'),
        sql`${askedBefore.answeredBy} is null`,
      ),
    )
    .orderBy(desc(reply.createdAt))
    .limit(limit);

  // A handed-off conversation: the last question the assistant replied to before the request.
  const answer = alias(messages, 'answer');
  const lastAnswered = tx
    .select(questionFields)
    .from(question)
    .where(
      and(
        eq(question.tenantId, handoffs.tenantId),
        eq(question.sessionId, handoffs.sessionId),
        eq(question.role, 'user'),
        lt(question.createdAt, handoffs.requestedAt),
        exists(
          tx
            .select({ one: sql`1` })
            .from(answer)
            .where(
              and(
                eq(answer.tenantId, question.tenantId),
                eq(answer.sessionId, question.sessionId),
                eq(answer.role, 'assistant'),
                gt(answer.createdAt, question.createdAt),
                lte(answer.createdAt, handoffs.requestedAt),
              ),
            ),
        ),
      ),
    )
    .orderBy(desc(question.createdAt), desc(question.id))
    .limit(1)
    .as('asked');
  const handedOff = await tx
    .select({ id: lastAnswered.id, sessionId: handoffs.sessionId, content: lastAnswered.content, askedAt: lastAnswered.createdAt })
    .from(handoffs)
    .innerJoin(sessions, and(eq(sessions.tenantId, handoffs.tenantId), eq(sessions.id, handoffs.sessionId)))
    .innerJoinLateral(lastAnswered, sql`true`)
    .where(and(eq(handoffs.tenantId, tenantId), ne(sessions.source, 'meeting'), sql`${lastAnswered.answeredBy} is null`))
    .orderBy(desc(handoffs.requestedAt))
    .limit(limit);

  const byId = new Map<string, UnansweredQuestionRow>();
  const add = (row: { id: string; sessionId: string; content: string; askedAt: Date }, reason: UnansweredReason) => {
    const entry = byId.get(row.id) ?? { id: row.id, sessionId: row.sessionId, content: row.content, askedAt: row.askedAt, reasons: [] };
    if (!entry.reasons.includes(reason)) entry.reasons.push(reason);
    byId.set(row.id, entry);
  };
  for (const row of flagged) {
    if (row.answerStatus === 'no_match' || row.answerStatus === 'uncited') add(row, row.answerStatus);
    if (row.feedback === -1) add(row, 'thumbs_down');
  }
  for (const row of handedOff) add(row, 'handoff');
  return [...byId.values()]
    .map((row) => ({ ...row, reasons: UNANSWERED_REASONS.filter((reason) => row.reasons.includes(reason)) }))
    .sort((a, b) => b.askedAt.getTime() - a.askedAt.getTime())
    .slice(0, limit);
}

/**
 * Marks visitors' questions as answered by a knowledge document, only those still unmarked;
 * returns the ids it marked (fewer than asked: another member answered some meanwhile, or an
 * id is not a visitor's question of this workspace).
 */
export async function markQuestionsAnswered(tx: Transaction, tenantId: string, questionIds: string[], documentId: string): Promise<string[]> {
  if (questionIds.length === 0) return [];
  const marked = await tx
    .update(messages)
    .set({ metadata: sql`${messages.metadata} || jsonb_build_object('answeredByDocumentId', ${documentId}::text)` })
    .where(and(eq(messages.tenantId, tenantId), inArray(messages.id, questionIds), eq(messages.role, 'user'), sql`${answeredBy(messages.metadata)} is null`))
    .returning({ id: messages.id });
  return marked.map(({ id }) => id);
}

/** Which of these ids are visitors' questions of this workspace, and whether each is answered already. */
export async function getQuestionsById(tx: Transaction, tenantId: string, questionIds: string[]) {
  if (questionIds.length === 0) return [];
  return tx
    .select({ id: messages.id, answered: sql<boolean>`${answeredBy(messages.metadata)} is not null` })
    .from(messages)
    .where(and(eq(messages.tenantId, tenantId), inArray(messages.id, questionIds), eq(messages.role, 'user')));
}
