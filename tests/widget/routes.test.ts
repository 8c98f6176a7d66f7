import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GET as getConfig } from '@/app/api/widget/[widgetId]/config/route';
import { POST as sendFeedback } from '@/app/api/widget/[widgetId]/feedback/route';
import { GET as getHistory, POST as sendMessage } from '@/app/api/widget/[widgetId]/messages/route';
import { POST as startSession } from '@/app/api/widget/[widgetId]/sessions/route';
import { GET as getFrame } from '@/app/widget/[widgetId]/route';
import { closeDatabase, type Database, getDatabase } from '@/db/client';
import { budgetAlerts, costEvents, messages, sessions, tenants, widgets } from '@/db/schema';
import { closeQueue } from '@/db/queue';
import { type ReplyEvent, readReplyEvents } from '@/lib/chat/protocol';
import type { StartedSession, VisitorMessage } from '@/lib/widget/client/types';
import { rateLimitClock } from '@/lib/rate-limit';
import { WIDGET_LIMITS } from '@/lib/widget/public-api';
import { signWidgetSession, WIDGET_SESSION_LIFETIME_SECONDS } from '@/lib/widget/session-token';
import { APP, countConversations, createWidgetFixture, frameRequest, HOST_ORIGIN, routeParams } from '../helpers/widget';

describe('public widget routes', () => {
  let db: Database;
  let fixture: Awaited<ReturnType<typeof createWidgetFixture>>;
  beforeAll(async () => {
    ({ db } = await getDatabase());
    fixture = await createWidgetFixture(db);
  });
  afterAll(async () => {
    await closeQueue();
    await closeDatabase();
  });

  const start = async (widgetId = fixture.widget.id, ip?: string) => {
    const response = await startSession(frameRequest(`/api/widget/${widgetId}/sessions`, { body: { hostOrigin: HOST_ORIGIN }, ip }), routeParams(widgetId));
    expect(response.status).toBe(201);
    return (await response.json()) as StartedSession;
  };

  const send = (token: string | undefined, body: unknown, options: { widgetId?: string; ip?: string; rawBody?: string } = {}) => {
    const widgetId = options.widgetId ?? fixture.widget.id;
    return sendMessage(frameRequest(`/api/widget/${widgetId}/messages`, { token, body: options.rawBody === undefined ? body : undefined, rawBody: options.rawBody, ip: options.ip }), routeParams(widgetId));
  };

  async function readAll(response: Response) {
    const events: ReplyEvent[] = [];
    for await (const event of readReplyEvents(response.body!)) events.push(event);
    return events;
  }

  async function expectRefusal(response: Response, status: number, code: string) {
    expect(response.status).toBe(status);
    const body = (await response.json()) as { error: string; code: string };
    expect(body.code).toBe(code);
    expect(body.error.length).toBeGreaterThan(5);
    expect(JSON.stringify(body)).not.toMatch(/at .*\.ts|stack/i);
  }

  describe('config', () => {
    it('gives an allowed host page the public look with CORS for exactly its origin', async () => {
      const response = await getConfig(new Request(`${APP}/api/widget/${fixture.widget.id}/config`, { headers: { origin: 'https://help.shop.example' } }), routeParams(fixture.widget.id));
      expect(response.status).toBe(200);
      expect(response.headers.get('access-control-allow-origin')).toBe('https://help.shop.example');
      expect(response.headers.get('vary')).toBe('Origin');
      expect(await response.json()).toEqual({
        id: fixture.widget.id,
        name: 'Shop chat',
        theme: 'light',
        position: 'bottom-right',
        primaryColor: '#112233',
        secondaryColor: '#ffffff',
        greeting: 'Hello!',
        starterQuestions: ['Returns?'],
        identityMode: 'mixed',
      });
    });

    it('refuses another site with 403 and no CORS header', async () => {
      const response = await getConfig(new Request(`${APP}/api/widget/${fixture.widget.id}/config`, { headers: { origin: 'https://evil.example' } }), routeParams(fixture.widget.id));
      expect(response.headers.get('access-control-allow-origin')).toBeNull();
      await expectRefusal(response, 403, 'forbidden');
    });

    it('answers 404 for an unknown or malformed widget id', async () => {
      await expectRefusal(await getConfig(new Request(`${APP}/x`), routeParams('not-a-uuid')), 404, 'not_found');
      await expectRefusal(await getConfig(new Request(`${APP}/x`), routeParams(crypto.randomUUID())), 404, 'not_found');
    });
  });

  describe('frame page', () => {
    const frame = (origin: string, widgetId = fixture.widget.id) => getFrame(new Request(`${APP}/widget/${widgetId}?origin=${encodeURIComponent(origin)}`), routeParams(widgetId));

    it('may only be framed by the origin it was opened for, when that origin is allowed', async () => {
      const response = await frame('https://help.shop.example');
      expect(response.status).toBe(200);
      const csp = response.headers.get('content-security-policy')!;
      expect(csp).toContain('frame-ancestors https://help.shop.example');
      expect(csp).toContain("script-src 'self'");
      const html = await response.text();
      expect(html).toContain('"hostOrigin":"https://help.shop.example"');
      expect(html).toContain('<script src="/widget-frame.js" defer>');
    });

    it('refuses other origins with frame-ancestors none', async () => {
      const response = await frame('https://evil.example');
      expect(response.status).toBe(403);
      expect(response.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
      expect(await response.text()).toContain('not allowed to embed');
    });

    it('escapes the widget name and greeting out of the bootstrap script', async () => {
      await db.update(widgets).set({ name: '</script><script>alert(1)</script>' }).where(eq(widgets.id, fixture.otherWidget.id));
      const html = await (await frame(HOST_ORIGIN, fixture.otherWidget.id)).text();
      expect(html).not.toContain('<script>alert(1)');
      await db.update(widgets).set({ name: 'Second chat' }).where(eq(widgets.id, fixture.otherWidget.id));
    });
  });

  describe('sessions', () => {
    it('refuses a host origin that is not allowed, a cross-site caller, bad JSON and missing fields, storing nothing', async () => {
      const before = await countConversations(db, fixture.tenantId);
      const url = `/api/widget/${fixture.widget.id}/sessions`;
      await expectRefusal(await startSession(frameRequest(url, { body: { hostOrigin: 'https://evil.example' } }), routeParams(fixture.widget.id)), 403, 'forbidden');
      await expectRefusal(
        await startSession(frameRequest(url, { body: { hostOrigin: HOST_ORIGIN }, headers: { 'sec-fetch-site': 'cross-site' } }), routeParams(fixture.widget.id)),
        403,
        'forbidden',
      );
      await expectRefusal(await startSession(frameRequest(url, { rawBody: '{"hostOrigin":' }), routeParams(fixture.widget.id)), 400, 'invalid');
      await expectRefusal(await startSession(frameRequest(url, { body: {} }), routeParams(fixture.widget.id)), 400, 'invalid');
      expect(await countConversations(db, fixture.tenantId)).toEqual(before);
    });
  });

  describe('messages', () => {
    it('streams an answer with sources, keeps the history and records feedback', async () => {
      const { token, sessionId } = await start();
      const response = await send(token, { content: 'How many days do I have for returns?' });
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toContain('application/x-ndjson');
      const events = await readAll(response);
      expect(events.map((event) => event.type)).toEqual(['start', 'sources', 'text', 'done']);
      expect(events.find((event) => event.type === 'sources')).toMatchObject({ sources: [{ index: 1, title: 'Returns' }] });
      const done = events.at(-1) as Extract<ReplyEvent, { type: 'done' }>;
      expect(done).toMatchObject({ status: 'complete', mode: 'retrieval-only' });
      expect(done.content).toContain('30 days');

      const history = await getHistory(frameRequest(`/api/widget/${fixture.widget.id}/messages`, { token }), routeParams(fixture.widget.id));
      const { messages: visible } = (await history.json()) as { messages: VisitorMessage[] };
      expect(visible.map((message) => [message.role, message.status])).toEqual([
        ['user', 'complete'],
        ['assistant', 'complete'],
      ]);
      expect(visible[1]!.sources[0]).toMatchObject({ index: 1, title: 'Returns' });
      expect(JSON.stringify(visible)).not.toMatch(/costUsd|tenantId|chunkId/);

      const feedback = (messageId: string, value: 1 | -1 | null) =>
        sendFeedback(frameRequest(`/api/widget/${fixture.widget.id}/feedback`, { token, body: { messageId, value } }), routeParams(fixture.widget.id));
      expect((await feedback(done.messageId, 1)).status).toBe(204);
      const [stored] = await db.select().from(messages).where(eq(messages.id, done.messageId));
      expect(stored!.feedback).toBe(1);
      // Only answers of the visitor's own conversation take feedback.
      await expectRefusal(await feedback(visible[0]!.id, -1), 404, 'not_found');
      const other = await start();
      await expectRefusal(
        await sendFeedback(frameRequest(`/api/widget/${fixture.widget.id}/feedback`, { token: other.token, body: { messageId: done.messageId, value: -1 } }), routeParams(fixture.widget.id)),
        404,
        'not_found',
      );
      // No token, a forged one, another site's page, and bodies that are not feedback.
      const feedbackPath = `/api/widget/${fixture.widget.id}/feedback`;
      const body = { messageId: done.messageId, value: -1 };
      await expectRefusal(await sendFeedback(frameRequest(feedbackPath, { body }), routeParams(fixture.widget.id)), 401, 'invalid_session');
      await expectRefusal(await sendFeedback(frameRequest(feedbackPath, { token: `${token.slice(0, -2)}xx`, body }), routeParams(fixture.widget.id)), 401, 'invalid_session');
      await expectRefusal(
        await sendFeedback(frameRequest(feedbackPath, { token, body, headers: { 'sec-fetch-site': 'cross-site' } }), routeParams(fixture.widget.id)),
        403,
        'forbidden',
      );
      for (const bad of [{ messageId: 'x', value: 1 }, { messageId: done.messageId, value: 2 }, { value: 1 }]) {
        await expectRefusal(await sendFeedback(frameRequest(feedbackPath, { token, body: bad }), routeParams(fixture.widget.id)), 400, 'invalid');
      }
      await expectRefusal(await sendFeedback(frameRequest(feedbackPath, { token, rawBody: '{"messageId":' }), routeParams(fixture.widget.id)), 400, 'invalid');
      const [unchanged] = await db.select().from(messages).where(eq(messages.id, done.messageId));
      expect(unchanged!.feedback).toBe(1);
      const [session] = await db.select().from(sessions).where(eq(sessions.id, sessionId));
      expect(session).toMatchObject({ widgetId: fixture.widget.id, source: 'widget', messageCount: 2, metadata: { pageUrl: HOST_ORIGIN } });
    });

    it('answers every bad request with a 4xx JSON message and stores nothing', async () => {
      const { token, sessionId } = await start();
      const { token: otherWidgetToken } = await start(fixture.otherWidget.id);
      const before = await countConversations(db, fixture.tenantId);
      const forged = `${sessionId}.${'A'.repeat(43)}`;

      await expectRefusal(await send(token, undefined, { rawBody: '{"content": "unterminated' }), 400, 'invalid');
      await expectRefusal(await send(token, {}), 400, 'invalid');
      await expectRefusal(await send(token, { content: '   ' }), 400, 'invalid');
      await expectRefusal(await send(token, { content: 'x'.repeat(WIDGET_LIMITS.messageMaxChars + 1) }), 400, 'invalid');
      await expectRefusal(await send(token, undefined, { rawBody: JSON.stringify({ content: 'x'.repeat(20_000) }) }), 413, 'too_large');
      await expectRefusal(await send(undefined, { content: 'Hello' }), 401, 'invalid_session');
      await expectRefusal(await send('not-a-token', { content: 'Hello' }), 401, 'invalid_session');
      await expectRefusal(await send(forged, { content: 'Hello' }), 401, 'invalid_session');
      // A genuine token of another widget (same workspace) is not valid here.
      await expectRefusal(await send(otherWidgetToken, { content: 'Hello' }), 401, 'invalid_session');
      // A correctly signed token for a session that belongs to another widget.
      await expectRefusal(await send(signWidgetSession(fixture.widget.id, (await start(fixture.otherWidget.id)).sessionId), { content: 'Hello' }), 401, 'invalid_session');
      // Expired: issued longer ago than the token lifetime.
      const { sessionId: quietSession } = await start();
      const expired = signWidgetSession(fixture.widget.id, quietSession, Math.floor(Date.now() / 1000) - WIDGET_SESSION_LIFETIME_SECONDS - 60);
      await expectRefusal(await send(expired, { content: 'Hello' }), 401, 'invalid_session');
      await expectRefusal(await getHistory(frameRequest(`/api/widget/${fixture.widget.id}/messages`, { token: expired }), routeParams(fixture.widget.id)), 401, 'invalid_session');
      const afterStart = await countConversations(db, fixture.tenantId);
      expect(afterStart.messages).toBe(before.messages);

      // Ageing but valid: the history comes with a fresh token for the same conversation.
      const ageing = signWidgetSession(fixture.widget.id, quietSession, Math.floor(Date.now() / 1000) - 2 * 24 * 3600);
      const history = (await (await getHistory(frameRequest(`/api/widget/${fixture.widget.id}/messages`, { token: ageing }), routeParams(fixture.widget.id))).json()) as { token?: string };
      expect(history.token).toMatch(new RegExp(`^${quietSession}\\.`));
      const fresh = (await (await getHistory(frameRequest(`/api/widget/${fixture.widget.id}/messages`, { token: history.token }), routeParams(fixture.widget.id))).json()) as { token?: string };
      expect(fresh).toEqual({ messages: [] });

      await db.update(widgets).set({ isActive: false }).where(eq(widgets.id, fixture.widget.id));
      try {
        await expectRefusal(await send(token, { content: 'Hello' }), 410, 'disabled');
        await expectRefusal(await getConfig(new Request(`${APP}/x`, { headers: { origin: HOST_ORIGIN } }), routeParams(fixture.widget.id)), 410, 'disabled');
        const frame = await getFrame(new Request(`${APP}/widget/${fixture.widget.id}?origin=${HOST_ORIGIN}`), routeParams(fixture.widget.id));
        expect(frame.status).toBe(410);
        expect(await frame.text()).toContain('turned off');
      } finally {
        await db.update(widgets).set({ isActive: true }).where(eq(widgets.id, fixture.widget.id));
      }
      // Deleted conversation (a privacy request): the token no longer opens anything.
      await db.delete(sessions).where(eq(sessions.id, sessionId));
      await expectRefusal(await send(token, { content: 'Hello' }), 401, 'invalid_session');
      expect((await countConversations(db, fixture.tenantId)).messages).toBe(before.messages);
    });

    it('refuses calls from other sites (the frame is the only client)', async () => {
      const { token } = await start();
      const response = await sendMessage(
        frameRequest(`/api/widget/${fixture.widget.id}/messages`, { token, body: { content: 'Hi' }, headers: { 'sec-fetch-site': 'cross-site', origin: HOST_ORIGIN } }),
        routeParams(fixture.widget.id),
      );
      await expectRefusal(response, 403, 'forbidden');
    });

    it('says the assistant is unavailable once the monthly spend cap is reached, and raises one critical alert', async () => {
      const { token } = await start();
      const before = await countConversations(db, fixture.tenantId);
      await db.update(tenants).set({ monthlySpendCapUsd: '0.50' }).where(eq(tenants.id, fixture.tenantId));
      await db.insert(costEvents).values({ tenantId: fixture.tenantId, service: 'llm', provider: 'openai', costUsd: '0.30000000', priceVersion: 'test' });
      try {
        expect((await send(token, { content: 'Below the cap' })).status).toBe(200);
        await db.insert(costEvents).values({ tenantId: fixture.tenantId, service: 'llm', provider: 'openai', costUsd: '0.20000000', priceVersion: 'test' });
        const stored = await countConversations(db, fixture.tenantId);
        await expectRefusal(await send(token, { content: 'At the cap' }), 503, 'unavailable');
        await expectRefusal(await send(token, { content: 'Still at the cap' }), 503, 'unavailable');
        expect(await countConversations(db, fixture.tenantId)).toEqual(stored);
        expect(stored.messages).toBe(before.messages + 2);
        const alerts = await db.select().from(budgetAlerts).where(and(eq(budgetAlerts.tenantId, fixture.tenantId), eq(budgetAlerts.period, 'monthly')));
        // The cap's 100% alert, once however many visitors are refused, beside the 80% warning.
        expect(alerts.map((alert) => [alert.severity, alert.threshold]).sort()).toEqual([['critical', '0.50'], ['warning', '0.40']]);
        expect(alerts.find((alert) => alert.severity === 'critical')).toMatchObject({ currentSpend: '0.50000000', resolved: false });
      } finally {
        await db.update(tenants).set({ monthlySpendCapUsd: null }).where(eq(tenants.id, fixture.tenantId));
      }
    });
  });

  describe('rate limits', () => {
    it('answer 429 with Retry-After per session, per address and per widget, then recover', async () => {
      const saved = structuredClone(WIDGET_LIMITS);
      Object.assign(WIDGET_LIMITS.messagesPerSession, { limit: 2, windowSeconds: 60 });
      Object.assign(WIDGET_LIMITS.messagesPerIp, { limit: 3, windowSeconds: 60 });
      // The limits read an injected clock: the test moves it instead of racing the wall clock.
      const windowStart = Date.UTC(2030, 0, 1, 12, 0, 0);
      const at = (offsetMs: number) => () => new Date(windowStart + offsetMs);
      rateLimitClock.now = at(0);
      try {
        const { token } = await start(undefined, '203.0.113.1');
        const drain = async (response: Response) => (response.ok ? (await readAll(response), 200) : response.status);
        expect(await drain(await send(token, { content: 'one' }, { ip: '203.0.113.1' }))).toBe(200);
        expect(await drain(await send(token, { content: 'two' }, { ip: '203.0.113.1' }))).toBe(200);
        const before = await countConversations(db, fixture.tenantId);
        rateLimitClock.now = at(58_500);
        const refused = await send(token, { content: 'three' }, { ip: '203.0.113.1' });
        await expectRefusal(refused.clone(), 429, 'rate_limited');
        expect(refused.headers.get('retry-after')).toBe('2');
        expect(await countConversations(db, fixture.tenantId)).toEqual(before);

        // Another session from the same address hits the per-address limit.
        const second = await start(undefined, '203.0.113.1');
        expect((await send(second.token, { content: 'four' }, { ip: '203.0.113.1' })).status).toBe(429);

        rateLimitClock.now = at(60_000);
        expect(await drain(await send(token, { content: 'after the window' }, { ip: '203.0.113.1' }))).toBe(200);

        // The whole widget has a ceiling too, whoever is asking.
        Object.assign(WIDGET_LIMITS.messagesPerWidget, { limit: 1, windowSeconds: 60 });
        const visitors = await Promise.all(['203.0.113.20', '203.0.113.21'].map((ip) => start(fixture.otherWidget.id, ip)));
        expect(await drain(await send(visitors[0]!.token, { content: 'first' }, { widgetId: fixture.otherWidget.id, ip: '203.0.113.20' }))).toBe(200);
        await expectRefusal(await send(visitors[1]!.token, { content: 'second' }, { widgetId: fixture.otherWidget.id, ip: '203.0.113.21' }), 429, 'rate_limited');
      } finally {
        Object.assign(WIDGET_LIMITS.messagesPerSession, saved.messagesPerSession);
        Object.assign(WIDGET_LIMITS.messagesPerIp, saved.messagesPerIp);
        Object.assign(WIDGET_LIMITS.messagesPerWidget, saved.messagesPerWidget);
        rateLimitClock.now = () => new Date();
      }
    });
  });
});
