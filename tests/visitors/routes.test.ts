import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { POST as sendFeedback } from '@/app/api/widget/[widgetId]/feedback/route';
import { GET as getHandoff, POST as postHandoff } from '@/app/api/widget/[widgetId]/handoff/route';
import { POST as leaveLead } from '@/app/api/widget/[widgetId]/lead/route';
import { GET as openLive } from '@/app/api/widget/[widgetId]/live/route';
import { GET as getHistory, POST as sendMessage } from '@/app/api/widget/[widgetId]/messages/route';
import { POST as startSession } from '@/app/api/widget/[widgetId]/sessions/route';
import { closeQueue } from '@/db/queue';
import { closeDatabase, type Database, getDatabase } from '@/db/client';
import { closeConversationUpdates } from '@/db/conversation-updates';
import { sessions, visitors, widgets } from '@/db/schema';
import { readReplyEvents } from '@/lib/chat/protocol';
import type { StartedSession, VisitorMessage } from '@/lib/widget/client/types';
import { countConversations, createWidgetFixture, frameRequest, HOST_ORIGIN, routeParams } from '../helpers/widget';
import { createSigningKey, signVisitorToken } from '../helpers/visitors';

describe('verified visitors on the public widget routes', () => {
  let db: Database;
  let fixture: Awaited<ReturnType<typeof createWidgetFixture>>;
  let key: { keyId: string; secret: string };
  beforeAll(async () => {
    ({ db } = await getDatabase());
    fixture = await createWidgetFixture(db);
    key = await createSigningKey(fixture.team);
  });
  afterAll(async () => {
    await closeConversationUpdates();
    await closeQueue();
    await closeDatabase();
  });

  const setMode = (mode: 'anonymous' | 'mixed' | 'verified', widgetId = fixture.widget.id) => db.update(widgets).set({ identityMode: mode }).where(eq(widgets.id, widgetId));
  const path = (route: string, widgetId = fixture.widget.id) => `/api/widget/${widgetId}/${route}`;
  const visitorHeaders = (visitorToken?: string): Record<string, string> => (visitorToken ? { 'x-visitor-token': visitorToken } : {});

  async function start(visitorToken?: string, body: Record<string, unknown> = {}, widgetId = fixture.widget.id) {
    return startSession(frameRequest(path('sessions', widgetId), { body: { hostOrigin: HOST_ORIGIN, ...body }, headers: visitorHeaders(visitorToken) }), routeParams(widgetId));
  }
  async function started(visitorToken?: string, body: Record<string, unknown> = {}, widgetId?: string) {
    const response = await start(visitorToken, body, widgetId);
    expect(response.status, await response.clone().text()).toBeLessThan(300);
    return (await response.json()) as StartedSession;
  }
  const history = async (token: string, visitorToken?: string) =>
    getHistory(frameRequest(path('messages'), { token, headers: visitorHeaders(visitorToken) }), routeParams(fixture.widget.id));
  const ask = async (token: string, content: string, visitorToken?: string) => {
    const response = await sendMessage(frameRequest(path('messages'), { token, body: { content }, headers: visitorHeaders(visitorToken) }), routeParams(fixture.widget.id));
    if (response.ok && response.headers.get('content-type')?.includes('ndjson')) for await (const _ of readReplyEvents(response.body!));
    return response;
  };
  const code = async (response: Response) => ((await response.json()) as { code: string }).code;

  it('verified-only: refuses an anonymous visitor on every conversation route, not only at session start', async () => {
    await setMode('mixed');
    const ada = await signVisitorToken(key, fixture.widget.id, { sub: 'ada' });
    const { token } = await started(ada);
    await setMode('verified');
    const before = await countConversations(db, fixture.tenantId);
    const p = routeParams(fixture.widget.id);
    const anonymousCalls: Array<[string, () => Promise<Response>]> = [
      ['start a session', () => start()],
      ['read the history', () => getHistory(frameRequest(path('messages'), { token }), p)],
      ['send a message', () => sendMessage(frameRequest(path('messages'), { token, body: { content: 'Returns?' } }), p)],
      ['give feedback', () => sendFeedback(frameRequest(path('feedback'), { token, body: { messageId: crypto.randomUUID(), value: 1 } }), p)],
      ['read the handoff state', () => getHandoff(frameRequest(path('handoff'), { token }), p)],
      ['ask for a person', () => postHandoff(frameRequest(path('handoff'), { token, body: { action: 'request' } }), p)],
      ['leave an email', () => leaveLead(frameRequest(path('lead'), { token, body: { email: 'a@example.com' } }), p)],
      ['open the live stream', () => openLive(frameRequest(path('live'), { token }), p)],
    ];
    for (const [name, call] of anonymousCalls) {
      const response = await call();
      expect(response.status, name).toBe(401);
      expect(await code(response), name).toBe('visitor_required');
    }
    // An expired token is refused the same way, with its reason.
    const now = Math.floor(Date.now() / 1000);
    const expired = await signVisitorToken(key, fixture.widget.id, { sub: 'ada' }, { iat: now - 7200, exp: now - 60 });
    const refused = await ask(token, 'Returns?', expired);
    expect(refused.status).toBe(401);
    expect(await refused.json()).toMatchObject({ code: 'visitor_token_invalid', error: expect.stringMatching(/expired/) });
    expect(await countConversations(db, fixture.tenantId)).toEqual(before);
    // With the token, the same conversation works.
    expect((await ask(token, 'How many days for returns?', ada)).status).toBe(200);
    await setMode('mixed');
  });

  it("a verified visitor's conversation follows them to another device; nobody else can open it", async () => {
    await setMode('mixed');
    const grace = await signVisitorToken(key, fixture.widget.id, { sub: 'grace', email: 'grace@example.com', name: 'Grace' });
    // Device A: a new conversation, one question.
    const deviceA = await started(grace);
    expect((await ask(deviceA.token, 'How many days do I have for returns?', grace)).status).toBe(200);
    // Device B has no conversation stored: it resumes Grace's latest.
    const deviceB = await started(await signVisitorToken(key, fixture.widget.id, { sub: 'grace', email: 'grace@example.com', name: 'Grace' }), { resume: true });
    expect(deviceB).toMatchObject({ sessionId: deviceA.sessionId, resumed: true });
    const response = await history(deviceB.token, grace);
    const { messages } = (await response.json()) as { messages: VisitorMessage[] };
    expect(messages.map((message) => message.content)[0]).toBe('How many days do I have for returns?');

    // Another visitor of the same company: nothing to resume, and Grace's token of the session is refused.
    const henry = await signVisitorToken(key, fixture.widget.id, { sub: 'henry', email: 'grace@example.com' });
    expect((await start(henry, { resume: true })).status).toBe(204);
    expect(await code(await history(deviceA.token, henry))).toBe('invalid_session');
    // Without any identity (a shared computer after sign-out) the conversation does not open either.
    expect(await code(await history(deviceA.token))).toBe('invalid_session');
    // The same email is not the same person: Henry is his own visitor, not merged into Grace.
    const rows = await db.select().from(visitors).where(eq(visitors.tenantId, fixture.tenantId));
    expect(rows.filter((row) => row.email === 'grace@example.com').map((row) => row.externalId).sort()).toEqual(['grace', 'henry']);
    expect(rows.find((row) => row.externalId === 'grace')).toMatchObject({ name: 'Grace', emailVerified: false });
  });

  it('the same sub in another workspace is another visitor with no shared history', async () => {
    const other = await createWidgetFixture(db);
    const otherKey = await createSigningKey(other.team);
    const sameSub = await signVisitorToken(otherKey, other.widget.id, { sub: 'grace' });
    expect((await start(sameSub, { resume: true }, other.widget.id)).status).toBe(204);
    // And the other workspace's key means nothing here.
    const crossed = await signVisitorToken(otherKey, fixture.widget.id, { sub: 'grace' });
    const refused = await start(crossed, { resume: true });
    expect(refused.status).toBe(401);
    expect(await refused.json()).toMatchObject({ code: 'visitor_token_invalid', error: expect.stringMatching(/unknown or revoked/) });
  });

  it('mixed: anonymous visitors keep per-browser conversations; a signed-in visitor does not inherit them', async () => {
    await setMode('mixed');
    const anonymous = await started();
    expect((await ask(anonymous.token, 'How many days for returns?')).status).toBe(200);
    expect((await history(anonymous.token)).status).toBe(200);
    const ada = await signVisitorToken(key, fixture.widget.id, { sub: 'ada' });
    expect(await code(await history(anonymous.token, ada))).toBe('invalid_session');
    // Anonymous mode ignores tokens altogether, and sessions are stored without a visitor.
    await setMode('anonymous');
    const plain = await started(ada);
    const [row] = await db.select().from(sessions).where(eq(sessions.id, plain.sessionId));
    expect(row!.visitorId).toBeNull();
    await setMode('mixed');
  });
});
