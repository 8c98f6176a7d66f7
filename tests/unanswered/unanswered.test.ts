import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { answerQuestions } from '@/app/dashboard/unanswered/mutations';
import { closeDatabase, type Database, getDatabase } from '@/db/client';
import { createSession } from '@/db/queries/conversations';
import { listUnansweredQuestions } from '@/db/queries/unanswered';
import { closeQueue } from '@/db/queue';
import { type AnswerStatus, handoffs, knowledgeDocuments, messages, sessions } from '@/db/schema';
import { withTenantId } from '@/db/withTenant';
import { streamReply } from '@/lib/ai/engine';
import { type ReplyEvent, readReplyEvents } from '@/lib/chat/protocol';
import { getEnv } from '@/lib/env';
import { localEmbedder } from '@/lib/knowledge/embedders';
import { ingestDocument } from '@/lib/knowledge/ingest';
import { embedQuery, searchKnowledge } from '@/lib/knowledge/retrieve';
import { groupQuestions } from '@/lib/unanswered/grouping';
import { createTeam, type Team } from '../helpers/team';

// Retrieval-only mode: no model, so replies depend on the knowledge alone.
const noModel = { ...getEnv(), OPENAI_API_KEY: undefined, ANTHROPIC_API_KEY: undefined, LLM_BASE_URL: undefined };
const LIMIT = 500;

describe('unanswered questions', () => {
  let db: Database;
  beforeAll(async () => {
    ({ db } = await getDatabase());
  });
  afterAll(async () => {
    await closeQueue();
    await closeDatabase();
  });

  let minute = 0;
  /** A visitor's question and the assistant's reply, a minute after the previous exchange. */
  async function exchange(
    team: Team,
    question: string,
    reply: { answerStatus: AnswerStatus | null; feedback?: 1 | -1; status?: 'complete' | 'failed' },
    session: { id?: string; source?: 'widget' | 'playground' | 'meeting' } = {},
  ) {
    const sessionId = session.id ?? (await db.insert(sessions).values({ tenantId: team.tenantId, widgetId: team.widgetId, source: session.source ?? 'widget' }).returning())[0]!.id;
    const at = Date.parse('2025-03-01T09:00:00Z') + ++minute * 60_000;
    const [asked] = await db.insert(messages).values({ tenantId: team.tenantId, sessionId, role: 'user', content: question, createdAt: new Date(at) }).returning();
    const [answered] = await db
      .insert(messages)
      .values({ tenantId: team.tenantId, sessionId, role: 'assistant', content: 'A reply.', status: reply.status ?? 'complete', answerStatus: reply.answerStatus, feedback: reply.feedback, createdAt: new Date(at + 1_000) })
      .returning();
    return { sessionId, questionId: asked!.id, replyId: answered!.id, at };
  }

  const list = (team: Team) => withTenantId(team.tenantId, (tx) => listUnansweredQuestions(tx, team.tenantId, LIMIT));

  it('lists exactly the questions without a grounded answer, each with its reasons', async () => {
    const team = await createTeam(db);
    const other = await createTeam(db, 'Other');
    await exchange(team, 'How long do returns take?', { answerStatus: 'grounded' });
    await exchange(team, 'Was that helpful?', { answerStatus: 'grounded', feedback: 1 });
    const noMatch = await exchange(team, 'What is the capital of France?', { answerStatus: 'no_match' });
    const uncited = await exchange(team, 'Do you price-match?', { answerStatus: 'uncited' });
    const votedDown = await exchange(team, 'Can I return a gift?', { answerStatus: 'grounded', feedback: -1 });
    const both = await exchange(team, 'Do you ship to Mars?', { answerStatus: 'no_match', feedback: -1 });
    // A provider failure is not a gap in the knowledge; meetings are transcripts, not visitors.
    await exchange(team, 'Is the shop open on Sunday?', { answerStatus: null, status: 'failed' });
    await exchange(team, 'What did we decide about pricing?', { answerStatus: 'no_match' }, { source: 'meeting' });
    const playground = await exchange(team, 'Do you sell gift cards?', { answerStatus: 'no_match' }, { source: 'playground' });
    // Handed to a person: the last question the assistant replied to before the request
    // (here answered from the knowledge), not the request itself, which got no reply.
    const before = await exchange(team, 'How do I change my delivery address?', { answerStatus: 'grounded' });
    const handedOff = await exchange(team, 'And for an order already shipped?', { answerStatus: 'grounded' }, { id: before.sessionId });
    await db.insert(messages).values({ tenantId: team.tenantId, sessionId: before.sessionId, role: 'user', content: 'I want to talk to a human', createdAt: new Date(handedOff.at + 5_000) });
    await db.insert(handoffs).values({ tenantId: team.tenantId, sessionId: before.sessionId, reason: 'keyword', requestedAt: new Date(handedOff.at + 5_000) });
    // A handoff before the assistant replied to anything lists nothing.
    const [silent] = await db.insert(sessions).values({ tenantId: team.tenantId, widgetId: team.widgetId }).returning();
    await db.insert(messages).values({ tenantId: team.tenantId, sessionId: silent!.id, role: 'user', content: 'Person please', createdAt: new Date(handedOff.at + 6_000) });
    await db.insert(handoffs).values({ tenantId: team.tenantId, sessionId: silent!.id, reason: 'visitor_request', requestedAt: new Date(handedOff.at + 7_000) });
    // Another workspace's unanswered question never shows.
    await exchange(other, 'What is the capital of Spain?', { answerStatus: 'no_match' });

    const listed = await list(team);
    expect(listed.map(({ id, content, reasons, sessionId }) => ({ id, content, reasons, sessionId }))).toEqual([
      { id: handedOff.questionId, content: 'And for an order already shipped?', reasons: ['handoff'], sessionId: before.sessionId },
      { id: playground.questionId, content: 'Do you sell gift cards?', reasons: ['no_match'], sessionId: playground.sessionId },
      { id: both.questionId, content: 'Do you ship to Mars?', reasons: ['no_match', 'thumbs_down'], sessionId: both.sessionId },
      { id: votedDown.questionId, content: 'Can I return a gift?', reasons: ['thumbs_down'], sessionId: votedDown.sessionId },
      { id: uncited.questionId, content: 'Do you price-match?', reasons: ['uncited'], sessionId: uncited.sessionId },
      { id: noMatch.questionId, content: 'What is the capital of France?', reasons: ['no_match'], sessionId: noMatch.sessionId },
    ]);
    expect(listed[0]!.askedAt).toEqual(new Date(handedOff.at));
    expect((await list(other)).map(({ content }) => content)).toEqual(['What is the capital of Spain?']);
  });

  it('takes the question right before each reply, in a conversation with several', async () => {
    const team = await createTeam(db);
    const first = await exchange(team, 'Do you deliver on Saturdays?', { answerStatus: 'no_match' });
    await exchange(team, 'How long do returns take?', { answerStatus: 'grounded' }, { id: first.sessionId });
    const third = await exchange(team, 'Can I pay with PayPal?', { answerStatus: 'uncited' }, { id: first.sessionId });
    expect((await list(team)).map(({ id }) => id)).toEqual([third.questionId, first.questionId]);
    expect(await list(team)).toHaveLength(2);
  });

  it('answers a group: an FAQ document the next reply is grounded in, and the questions leave the list', async () => {
    const team = await createTeam(db);
    const ask = async (sessionId: string, content: string) => {
      const events: ReplyEvent[] = [];
      for await (const event of readReplyEvents(await streamReply({ tenantId: team.tenantId, sessionId, content, audience: 'visitor' }, noModel))) events.push(event);
      return events;
    };
    const newSession = () => withTenantId(team.tenantId, async (tx) => (await createSession(tx, { tenantId: team.tenantId, widgetId: team.widgetId })).id);

    // Two visitors ask the same off-topic question: the assistant does not know.
    const asked = ['Where is your warehouse located?', 'where is the warehouse located'];
    for (const question of asked) {
      const events = await ask(await newSession(), question);
      expect(events.at(-1)).toMatchObject({ type: 'done', answerStatus: 'no_match' });
    }
    await exchange(team, 'Will it rain in Berlin tomorrow?', { answerStatus: 'no_match' });
    const groups = groupQuestions(await list(team));
    expect(groups.map((group) => group.questions.length)).toEqual([2, 1]);
    const warehouse = groups[0]!;

    const state = await answerQuestions.run(
      { userId: team.users.admin, tenantId: team.tenantId },
      { questionIds: warehouse.questions.map(({ id }) => id).join(','), question: warehouse.representative.content, answer: 'Our warehouse is at 12 Dock Road, Rotterdam. Pickups are possible on weekdays from 9:00 to 17:00.' },
    );
    expect(state).toMatchObject({ status: 'success', result: { documentId: expect.any(String) } });
    const documentId = state.result!.documentId!;
    const [document] = await db.select().from(knowledgeDocuments).where(eq(knowledgeDocuments.id, documentId));
    expect(document).toMatchObject({
      tenantId: team.tenantId,
      title: warehouse.representative.content,
      category: 'FAQ',
      sourceType: 'text',
      mimeType: 'text/markdown',
      status: 'queued',
      content: `# ${warehouse.representative.content}\n\nOur warehouse is at 12 Dock Road, Rotterdam. Pickups are possible on weekdays from 9:00 to 17:00.\n`,
    });
    // The answered questions left the list; the other one stays.
    expect((await list(team)).map(({ content }) => content)).toEqual(['Will it rain in Berlin tomorrow?']);
    const marked = await db.select().from(messages).where(and(eq(messages.tenantId, team.tenantId), eq(messages.role, 'user')));
    expect(marked.filter((message) => message.metadata.answeredByDocumentId === documentId).map(({ content }) => content).sort()).toEqual([...asked].sort());

    // Indexed as the worker would (inline here), the next visitor gets a grounded answer citing it.
    expect(await ingestDocument(team.tenantId, documentId, localEmbedder)).toMatchObject({ status: 'ready' });
    const hits = await withTenantId(team.tenantId, async (tx) =>
      searchKnowledge(tx, await embedQuery(asked[1]!, localEmbedder), { tenantId: team.tenantId, limit: 5, operation: 'test' }),
    );
    expect(hits[0]).toMatchObject({ documentId, title: warehouse.representative.content });
    const again = await ask(await newSession(), 'Where is your warehouse located?');
    expect(again.find((event) => event.type === 'sources')).toMatchObject({ sources: [{ index: 1, title: warehouse.representative.content }] });
    expect(again.at(-1)).toMatchObject({ type: 'done', answerStatus: 'grounded', content: expect.stringContaining('12 Dock Road, Rotterdam') });
    // A grounded answer is not unanswered.
    expect((await list(team)).map(({ content }) => content)).toEqual(['Will it rain in Berlin tomorrow?']);
  });

  it('refuses to answer questions twice, an empty answer, no question, and ids that are not visitors’ questions', async () => {
    const team = await createTeam(db);
    const gap = await exchange(team, 'Do you offer gift wrapping?', { answerStatus: 'no_match' });
    const owner = { userId: team.users.owner, tenantId: team.tenantId };
    const documents = async () => (await db.select().from(knowledgeDocuments).where(eq(knowledgeDocuments.tenantId, team.tenantId))).length;
    const before = await documents();

    expect(await answerQuestions.run(owner, { questionIds: gap.questionId, question: ' ', answer: '' })).toMatchObject({
      status: 'error',
      code: 'invalid',
      fieldErrors: { question: ['Write the question as visitors ask it.'], answer: ['Write the answer.'] },
    });
    expect(await answerQuestions.run(owner, { questionIds: '', question: 'Gift wrapping?', answer: 'Yes.' })).toMatchObject({
      status: 'error',
      fieldErrors: { questionIds: ['Choose at least one question this answers.'] },
    });
    expect(await answerQuestions.run(owner, { questionIds: 'not-an-id', question: 'Gift wrapping?', answer: 'Yes.' })).toMatchObject({ status: 'error', code: 'invalid' });
    // The assistant's reply is not a question.
    expect(await answerQuestions.run(owner, { questionIds: gap.replyId, question: 'Gift wrapping?', answer: 'Yes.' })).toMatchObject({ status: 'error', code: 'not_found' });
    expect(await documents()).toBe(before);

    expect(await answerQuestions.run(owner, { questionIds: gap.questionId, question: 'Do you offer gift wrapping?', answer: 'Yes, for 3 EUR.' })).toMatchObject({ status: 'success' });
    expect(await answerQuestions.run(owner, { questionIds: gap.questionId, question: 'Do you offer gift wrapping?', answer: 'Yes, for 3 EUR.' })).toMatchObject({
      status: 'error',
      code: 'conflict',
    });
    expect(await documents()).toBe(before + 1);
  });

  it('leaves nothing changed when another workspace’s question is among the ids', async () => {
    const team = await createTeam(db);
    const other = await createTeam(db, 'Other');
    const mine = await exchange(team, 'Do you have a loyalty programme?', { answerStatus: 'no_match' });
    const theirs = await exchange(other, 'Do you have a loyalty programme?', { answerStatus: 'no_match' });
    const state = await answerQuestions.run({ userId: team.users.owner, tenantId: team.tenantId }, { questionIds: `${mine.questionId},${theirs.questionId}`, question: 'Loyalty?', answer: 'No.' });
    expect(state).toMatchObject({ status: 'error', code: 'not_found' });
    expect((await list(team)).map(({ id }) => id)).toEqual([mine.questionId]);
    expect((await list(other)).map(({ id }) => id)).toEqual([theirs.questionId]);
  });
});
