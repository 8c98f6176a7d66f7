import { and, eq, sql } from 'drizzle-orm';
import { countTokens } from 'gpt-tokenizer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeDatabase, type Database, getDatabase } from '@/db/client';
import { createSession } from '@/db/queries/conversations';
import { updatePersonality } from '@/db/queries/personalities';
import { createWidget } from '@/db/queries/widgets';
import { costEvents, messages, spendReservations, tenants } from '@/db/schema';
import { executeRows } from '@/db/sql';
import { withTenantId } from '@/db/withTenant';
import { streamReply } from '@/lib/ai/engine';
import { type ReplyEvent, readReplyEvents } from '@/lib/chat/protocol';
import { SPEND_REFUSAL_MESSAGES } from '@/lib/costs/budget';
import { recordCost } from '@/lib/costs/events';
import { type Env, getEnv } from '@/lib/env';
import { localEmbedder } from '@/lib/knowledge/embedders';
import { ingestDocument } from '@/lib/knowledge/ingest';
import { startOpenAiServer, type OpenAiTestServer } from '../helpers/openai-server';
import { createTeam } from '../helpers/team';

// Issue #11, item 8: the cap used to be checked before a reply and its cost recorded after, so
// concurrent visitors all passed the check. Every reply now sets its worst-case cost aside first.

const MAX_REPLY_TOKENS = 1000;

async function readAll(stream: ReadableStream<Uint8Array>) {
  const events: ReplyEvent[] = [];
  for await (const event of readReplyEvents(stream)) events.push(event);
  return events;
}

describe('spend reservations', () => {
  let server: OpenAiTestServer;
  let db: Database;
  let env: Env;
  beforeAll(async () => {
    // The provider bills the worst case: the prompt as counted, and every output token allowed.
    server = await startOpenAiServer({
      answer: ({ messages: sent }) => ({
        text: 'Returns are free within 30 days [1].',
        promptTokens: sent.reduce((sum, message) => sum + countTokens(message.content) + 4, 0),
        completionTokens: MAX_REPLY_TOKENS,
      }),
    });
    ({ db } = await getDatabase());
    env = { ...getEnv(), OPENAI_API_KEY: 'test-key', OPENAI_BASE_URL: server.baseURL, LLM_TIMEOUT_MS: 60_000 };
  });
  afterAll(async () => {
    await server.close();
    await closeDatabase();
  });

  async function widgetWorkspace(settings: Record<string, string> = {}) {
    const team = await createTeam(db);
    const { tenantId } = team;
    await ingestDocument(tenantId, team.documentId, localEmbedder);
    const widget = await withTenantId(tenantId, async (tx) => {
      await updatePersonality(tx, tenantId, team.personalityId, { preferredModel: 'gpt-4o-mini', maxTokens: MAX_REPLY_TOKENS });
      return createWidget(tx, { tenantId, name: 'Shop', allowedOrigins: ['https://shop.example'], settings: { theme: 'light', position: 'bottom-right', ...settings } });
    });
    const newVisitor = () => withTenantId(tenantId, async (tx) => (await createSession(tx, { tenantId, widgetId: widget.id, personalityId: team.personalityId, source: 'widget' })).id);
    const spent = async () => (await db.select({ total: sql<string>`coalesce(sum(${costEvents.costUsd}), 0)::text` }).from(costEvents).where(eq(costEvents.tenantId, tenantId)))[0]!.total;
    return { team, tenantId, widget, newVisitor, spent };
  }

  it('50 concurrent visitors against a workspace $0.01 below its cap end at most one reply over it', async () => {
    const { tenantId, newVisitor, spent } = await widgetWorkspace({ dailySpendCapUsd: '1000', visitorDailySpendCapUsd: '1000' });
    // $5 spent of a $5.01 cap.
    await withTenantId(tenantId, (tx) => recordCost(tx, { tenantId, service: 'llm', model: 'gpt-4o', inputTokens: 2_000_000, outputTokens: 0 }));
    await db.update(tenants).set({ monthlySpendCapUsd: '5.01' }).where(eq(tenants.id, tenantId));
    expect(await spent()).toBe('5.00000000');

    const visitors = await Promise.all(Array.from({ length: 50 }, newVisitor));
    const replies = await Promise.all(visitors.map(async (sessionId) => (await readAll(await streamReply({ tenantId, sessionId, content: 'How do returns work?', audience: 'visitor' }, env))).at(-1)));
    const answered = replies.filter((done) => done?.type === 'done' && done.status === 'complete');
    const refused = replies.filter((done) => done?.type === 'done' && done.content === SPEND_REFUSAL_MESSAGES.monthly_cap);
    expect(answered.length).toBeGreaterThan(0);
    expect(answered.length + refused.length).toBe(50);

    const oneReply = (await db.select({ cost: costEvents.costUsd }).from(costEvents).where(and(eq(costEvents.tenantId, tenantId), eq(costEvents.model, 'gpt-4o-mini'))))[0]!.cost;
    const [within] = await executeRows<{ ok: boolean }>(db, sql`select ${await spent()}::numeric <= 5.01 + ${oneReply}::numeric as ok`);
    expect(within!.ok).toBe(true);
    // Every reservation was released with its reply.
    expect(await db.select().from(spendReservations).where(eq(spendReservations.tenantId, tenantId))).toEqual([]);
    // The visitor's message was stored even when the reply was refused.
    const refusedReplies = await db.select().from(messages).where(and(eq(messages.tenantId, tenantId), eq(messages.content, SPEND_REFUSAL_MESSAGES.monthly_cap)));
    expect(refusedReplies.every((message) => message.status === 'failed')).toBe(true);
  }, 120_000);

  it('holds each widget to its daily ceiling and each visitor to theirs, whatever the monthly cap', async () => {
    const { tenantId, newVisitor } = await widgetWorkspace({ dailySpendCapUsd: '0.0020', visitorDailySpendCapUsd: '0.0008' });
    const ask = async (sessionId: string) => (await readAll(await streamReply({ tenantId, sessionId, content: 'How do returns work?', audience: 'visitor' }, env))).at(-1) as Extract<ReplyEvent, { type: 'done' }>;
    const first = await newVisitor();
    // A reply costs about $0.0006 (1,000 output tokens on gpt-4o-mini): one fits a visitor's $0.0008, the second does not.
    expect((await ask(first)).status).toBe('complete');
    expect((await ask(first)).content).toBe(SPEND_REFUSAL_MESSAGES.visitor_daily_cap);
    // New visitors (an attacker starting fresh conversations) meet the widget's ceiling.
    const outcomes = [];
    for (let i = 0; i < 4; i++) outcomes.push((await ask(await newVisitor())).content);
    expect(outcomes.filter((content) => content === SPEND_REFUSAL_MESSAGES.widget_daily_cap).length).toBeGreaterThanOrEqual(2);
  }, 120_000);

  it('bills a reply that broke off after the provider began answering', async () => {
    const { tenantId, newVisitor } = await widgetWorkspace();
    const sessionId = await newVisitor();
    server.faultNext('stall');
    const done = (await readAll(await streamReply({ tenantId, sessionId, content: 'How do returns work?', audience: 'visitor' }, { ...env, LLM_TIMEOUT_MS: 1_000 }))).at(-1);
    expect(done).toMatchObject({ type: 'done', status: 'failed' });
    const costs = await db.select().from(costEvents).where(and(eq(costEvents.tenantId, tenantId), eq(costEvents.sessionId, sessionId)));
    expect(costs).toHaveLength(1);
    expect(costs[0]!.inputTokens).toBeGreaterThan(100);
    expect(costs[0]!.metadata.operation).toMatch(/broke off/);
    expect(await db.select().from(spendReservations).where(eq(spendReservations.tenantId, tenantId))).toEqual([]);
  }, 60_000);
});
