import { and, asc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { handBackConversation, replyToVisitor, resolveConversation, takeConversation, updateSupportSettings } from '@/app/dashboard/inbox/mutations';
import { GET as getHandoff, POST as postHandoff } from '@/app/api/widget/[widgetId]/handoff/route';
import { POST as leaveLead } from '@/app/api/widget/[widgetId]/lead/route';
import { GET as openLive } from '@/app/api/widget/[widgetId]/live/route';
import { POST as sendFeedback } from '@/app/api/widget/[widgetId]/feedback/route';
import { GET as getHistory, POST as sendMessage } from '@/app/api/widget/[widgetId]/messages/route';
import { POST as startSession } from '@/app/api/widget/[widgetId]/sessions/route';
import { closeConversationUpdates } from '@/db/conversation-updates';
import { closeDatabase, type Database, getDatabase } from '@/db/client';
import { closeQueue } from '@/db/queue';
import { conversationEvents, handoffs, messages } from '@/db/schema';
import { AssistantSilencedError, streamReply } from '@/lib/ai/engine';
import { readReplyEvents } from '@/lib/chat/protocol';
import type { HandoffView, LiveEvent, StartedSession, VisitorMessage } from '@/lib/widget/client/types';
import { startSmtpServer } from '../helpers/smtp';
import { createWidgetFixture, frameRequest, HOST_ORIGIN, routeParams } from '../helpers/widget';

// A real SMTP server on loopback receives the team's notifications.
const smtp = await startSmtpServer();
process.env.SMTP_URL = smtp.url;

const ALWAYS_CLOSED = Object.fromEntries(Array.from({ length: 7 }, (_, day) => [`open${day}`, '']));

describe('human handoff', () => {
  let db: Database;
  let fixture: Awaited<ReturnType<typeof createWidgetFixture>>;
  beforeAll(async () => {
    ({ db } = await getDatabase());
    fixture = await createWidgetFixture(db);
  });
  afterAll(async () => {
    await closeConversationUpdates();
    await closeQueue();
    await closeDatabase();
    await smtp.close();
  });

  const as = (who: 'owner' | 'admin' | 'member' | 'target') => ({ userId: fixture.team.users[who], tenantId: fixture.tenantId });
  const widgetId = () => fixture.widget.id;
  const path = (route: string) => `/api/widget/${widgetId()}/${route}`;
  const p = () => routeParams(widgetId());

  async function visitor() {
    const response = await startSession(frameRequest(path('sessions'), { body: { hostOrigin: HOST_ORIGIN } }), p());
    return (await response.json()) as StartedSession;
  }
  /** Sends a message; returns the reply's final event, or the 202 body when it went to the team. */
  async function say(token: string, content: string) {
    const response = await sendMessage(frameRequest(path('messages'), { token, body: { content } }), p());
    if (response.status === 202) return { toTeam: (await response.json()) as { message: VisitorMessage } };
    expect(response.status).toBe(200);
    let done: { messageId: string; content: string } | undefined;
    for await (const event of readReplyEvents(response.body!)) if (event.type === 'done') done = event;
    return { reply: done! };
  }
  const state = async (token: string) => (await (await getHandoff(frameRequest(path('handoff'), { token }), p())).json()) as HandoffView;
  const ask = (token: string, body: Record<string, unknown> = { action: 'request' }) => postHandoff(frameRequest(path('handoff'), { token, body }), p());
  const handoffOf = async (sessionId: string) => (await db.select().from(handoffs).where(eq(handoffs.sessionId, sessionId)).orderBy(asc(handoffs.requestedAt))).at(-1)!;
  const eventsOf = async (sessionId: string) =>
    (await db.select().from(conversationEvents).where(eq(conversationEvents.sessionId, sessionId)).orderBy(asc(conversationEvents.createdAt))).map((event) => [event.type, event.reason]);
  const answersOf = async (sessionId: string) => db.select().from(messages).where(and(eq(messages.sessionId, sessionId), eq(messages.role, 'assistant')));

  it('walks every transition: request, take, hand back, take, reply, resolve; the assistant is silent meanwhile', async () => {
    const { token, sessionId } = await visitor();
    expect((await say(token, 'How many days do I have for returns?')).reply).toBeDefined();
    const requested = await ask(token);
    expect(requested.status).toBe(201);
    expect(await requested.json()).toMatchObject({ status: 'waiting' });
    // Asking again changes nothing (one open handoff per conversation).
    expect((await ask(token)).status).toBe(200);

    // While someone is awaited, the visitor's messages go to the team and the assistant stays silent.
    const answersBefore = (await answersOf(sessionId)).length;
    expect((await say(token, 'Are you there?')).toTeam).toMatchObject({ message: { role: 'user', content: 'Are you there?' } });
    await expect(streamReply({ tenantId: fixture.tenantId, sessionId, content: 'Sneaking past the route', audience: 'visitor' })).rejects.toBeInstanceOf(AssistantSilencedError);

    const { id: handoffId } = await handoffOf(sessionId);
    expect(await takeConversation.run(as('member'), { handoffId })).toMatchObject({ status: 'success' });
    expect(await state(token)).toMatchObject({ status: 'assigned', agentName: 'member' });
    // Only the assignee replies; a teammate must take it first.
    expect(await replyToVisitor.run(as('admin'), { handoffId, content: 'Hi, admin here' })).toMatchObject({ status: 'error', code: 'conflict' });
    expect(await handBackConversation.run(as('member'), { handoffId })).toMatchObject({ status: 'success' });
    expect(await state(token)).toMatchObject({ status: 'waiting' });
    expect(await takeConversation.run(as('admin'), { handoffId })).toMatchObject({ status: 'success' });
    expect(await replyToVisitor.run(as('admin'), { handoffId, content: 'Hello! I can help with your return.' })).toMatchObject({ status: 'success' });
    expect((await say(token, 'Thanks, the order is 1234')).toTeam).toBeDefined();
    expect((await answersOf(sessionId)).length).toBe(answersBefore);

    // A member resolves only what they answer; the admin (who answers) resolves.
    expect(await resolveConversation.run(as('member'), { handoffId })).toMatchObject({ status: 'error', code: 'conflict' });
    expect(await resolveConversation.run(as('admin'), { handoffId, note: 'Return label sent' })).toMatchObject({ status: 'success' });
    expect(await resolveConversation.run(as('admin'), { handoffId })).toMatchObject({ status: 'error', code: 'conflict' });
    expect(await state(token)).toMatchObject({ status: 'assistant' });
    // The assistant answers the next question again.
    expect((await say(token, 'How many days do I have for returns?')).reply!.content).toContain('30 days');

    expect(await eventsOf(sessionId)).toEqual([
      ['handoff_requested', 'visitor_request'],
      ['assigned', null],
      ['released', null],
      ['assigned', null],
      ['resolved', 'Return label sent'],
    ]);
    // The visitor's transcript has the member's reply, by name, and the notices.
    const { messages: seen } = (await (await getHistory(frameRequest(path('messages'), { token }), p())).json()) as { messages: VisitorMessage[] };
    expect(seen.find((message) => message.role === 'agent')).toMatchObject({ author: 'admin', content: 'Hello! I can help with your return.' });
    expect(seen.filter((message) => message.role === 'notice').map((message) => message.content)).toContain('admin joined the conversation.');
  });

  it('lets exactly one of two members take a conversation at the same time', async () => {
    const { token, sessionId } = await visitor();
    await ask(token);
    const { id: handoffId } = await handoffOf(sessionId);
    const outcomes = await Promise.all([takeConversation.run(as('member'), { handoffId }), takeConversation.run(as('admin'), { handoffId })]);
    expect(outcomes.map((outcome) => outcome.status).sort()).toEqual(['error', 'success']);
    expect(outcomes.find((outcome) => outcome.status === 'error')).toMatchObject({ code: 'conflict', message: 'Someone else took this conversation first.' });
    const winner = outcomes[0]!.status === 'success' ? 'member' : 'admin';
    expect((await handoffOf(sessionId)).assignedTo).toBe(fixture.team.users[winner]);
    expect((await eventsOf(sessionId)).filter(([type]) => type === 'assigned')).toHaveLength(1);
  });

  it("streams a member's reply to the visitor's live channel", async () => {
    const { token, sessionId } = await visitor();
    await ask(token);
    const { id: handoffId } = await handoffOf(sessionId);
    const live = await openLive(frameRequest(`${path('live')}?since=${encodeURIComponent(new Date().toISOString())}`, { token }), p());
    expect(live.headers.get('content-type')).toContain('text/event-stream');
    const reader = live.body!.pipeThrough(new TextDecoderStream()).getReader();
    const received: LiveEvent[] = [];
    let buffered = '';
    const next = async (match: (event: LiveEvent) => boolean) => {
      for (;;) {
        const found = received.find(match);
        if (found) return found;
        const { value, done } = await reader.read();
        if (done) throw new Error('stream ended');
        buffered += value;
        const blocks = buffered.split('\n\n');
        buffered = blocks.pop()!;
        for (const block of blocks) if (block.startsWith('data: ')) received.push(JSON.parse(block.slice(6)) as LiveEvent);
      }
    };
    expect(await next((event) => event.type === 'state')).toMatchObject({ state: { status: 'waiting' } });
    await takeConversation.run(as('owner'), { handoffId });
    expect(await next((event) => event.type === 'state' && event.state.status === 'assigned')).toMatchObject({ state: { agentName: 'owner' } });
    await replyToVisitor.run(as('owner'), { handoffId, content: 'Streaming to you now' });
    expect(await next((event) => event.type === 'message' && event.message.role === 'agent')).toMatchObject({ message: { content: 'Streaming to you now', author: 'owner' } });
    await resolveConversation.run(as('owner'), { handoffId });
    expect(await next((event) => event.type === 'state' && event.state.status === 'assistant')).toBeDefined();
    await reader.cancel();
  });

  it('hands over on "talk to a human" without the assistant answering, and the visitor can go back', async () => {
    const { token, sessionId } = await visitor();
    expect((await say(token, 'I want to talk to a human')).toTeam).toBeDefined();
    expect(await handoffOf(sessionId)).toMatchObject({ status: 'waiting', reason: 'keyword' });
    expect(await answersOf(sessionId)).toHaveLength(0);
    expect((await ask(token, { action: 'cancel' })).status).toBe(200);
    expect(await handoffOf(sessionId)).toMatchObject({ status: 'cancelled' });
    expect((await say(token, 'How many days do I have for returns?')).reply).toBeDefined();
  });

  it('offers a person after two ungrounded answers in a row, and does not loop after resolve', async () => {
    const { token, sessionId } = await visitor();
    await say(token, 'zxqv blorf');
    expect((await state(token)).offer).toBeUndefined();
    await say(token, 'qwprt vlakz');
    const offered = await state(token);
    expect(offered.offer).toMatchObject({ reason: 'no_answer' });
    expect((await ask(token, { action: 'request', acceptOffer: true })).status).toBe(201);
    const { id: handoffId } = await handoffOf(sessionId);
    expect(await handoffOf(sessionId)).toMatchObject({ reason: 'no_answer' });
    await takeConversation.run(as('owner'), { handoffId });
    await resolveConversation.run(as('owner'), { handoffId });
    // The two failures before the resolve no longer count: no offer right away, nor after one more.
    expect((await state(token)).offer).toBeUndefined();
    await say(token, 'mrrgl fnord');
    expect((await state(token)).offer).toBeUndefined();
    expect(await db.select().from(handoffs).where(eq(handoffs.sessionId, sessionId))).toHaveLength(1);
    // Fresh evidence after the resolve (a second ungrounded answer) may offer again.
    await say(token, 'plonk vrask');
    expect((await state(token)).offer).toMatchObject({ reason: 'no_answer' });
  });

  it('offers a person after a thumbs-down and records that reason', async () => {
    const { token, sessionId } = await visitor();
    const reply = (await say(token, 'How many days do I have for returns?')).reply!;
    expect((await sendFeedback(frameRequest(path('feedback'), { token, body: { messageId: reply.messageId, value: -1 } }), p())).status).toBe(204);
    expect((await state(token)).offer).toMatchObject({ reason: 'negative_feedback', messageId: reply.messageId });
    await ask(token, { action: 'request', acceptOffer: true });
    expect(await handoffOf(sessionId)).toMatchObject({ reason: 'negative_feedback' });
  });

  it('asks for an email when nobody picks up in time, once', async () => {
    const { token, sessionId } = await visitor();
    await ask(token);
    expect((await state(token)).lead).toBeUndefined();
    await db.update(handoffs).set({ requestedAt: new Date(Date.now() - 6 * 60_000) }).where(eq(handoffs.sessionId, sessionId));
    expect((await state(token)).lead).toEqual({ captured: false });
    await state(token);
    expect((await eventsOf(sessionId)).filter(([type]) => type === 'lead_requested')).toEqual([['lead_requested', 'no_pickup']]);
  });

  it('outside office hours asks for an email at once, stores it with the conversation and emails the team', async () => {
    expect(
      await updateSupportSettings.run(as('admin'), { handoffEnabled: 'on', officeHoursEnabled: 'on', timeZone: 'Europe/Berlin', pickupTimeoutMinutes: '5', ...ALWAYS_CLOSED }),
    ).toMatchObject({ status: 'success' });
    const { token, sessionId } = await visitor();
    expect(await (await ask(token)).json()).toMatchObject({ status: 'waiting', withinOfficeHours: false, lead: { captured: false } });
    const refused = await leaveLead(frameRequest(path('lead'), { token, body: { email: 'not an email' } }), p());
    expect(refused.status).toBe(400);
    const left = await leaveLead(frameRequest(path('lead'), { token, body: { email: 'pat@customer.example', note: 'Please call me about my order.' } }), p());
    expect(left.status).toBe(201);
    expect(await left.json()).toMatchObject({ lead: { captured: true } });
    expect(await handoffOf(sessionId)).toMatchObject({ leadEmail: 'pat@customer.example', leadNote: 'Please call me about my order.' });
    expect((await eventsOf(sessionId)).map(([type]) => type)).toEqual(['handoff_requested', 'lead_requested', 'lead_captured']);
    await vi.waitFor(() => expect(smtp.received.some((mail) => mail.body.includes('pat@customer.example'))).toBe(true), { timeout: 5000 });
    const mail = smtp.received.find((each) => each.body.includes('pat@customer.example'))!;
    // Nobody is on duty: the owners and admins hear about it.
    expect(mail.to.sort()).toEqual([`admin-${fixture.team.name.split(' ')[1]}@example.com`, `owner-${fixture.team.name.split(' ')[1]}@example.com`, `secondOwner-${fixture.team.name.split(' ')[1]}@example.com`].sort());
    // Handoff can be turned off altogether.
    await updateSupportSettings.run(as('admin'), { officeHoursEnabled: '', timeZone: 'UTC', pickupTimeoutMinutes: '5', ...ALWAYS_CLOSED });
    const second = await visitor();
    expect((await ask(second.token)).status).toBe(403);
    expect((await say(second.token, 'talk to a human')).reply).toBeDefined();
  });
});
