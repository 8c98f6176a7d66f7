import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeDatabase, type Database, getDatabase } from '@/db/client';
import { costEvents, sessions } from '@/db/schema';
import { withTenantId } from '@/db/withTenant';
import { type CostContext, type CostRecord, type Usage, recordCost, recordEmbeddingCost, recordLlmCost } from '@/lib/costs/events';
import { findPrice, PRICE_LISTS, PRICE_VERSION, priceListAt } from '@/lib/costs/prices';
import { queryRows } from '../helpers/database';
import { createTeam } from '../helpers/team';
import { expectedCost, fromScaled, toScaled } from './helpers';

type TestEvent = Usage & Omit<CostContext, 'tenantId'>;

const MILLION = 1_000_000n;

describe('cost recording', () => {
  let db: Database;
  let tenantId: string;
  beforeAll(async () => {
    ({ db } = await getDatabase());
    tenantId = (await createTeam(db)).tenantId;
  });
  afterAll(closeDatabase);

  const record = (event: TestEvent) => withTenantId(tenantId, (tx) => recordCost(tx, { tenantId, ...event } as CostRecord));

  // Quantities chosen so binary floating point would drift: 0.1 + 0.2, prime token counts, odd minutes.
  describe.each(PRICE_LISTS.map((list) => [list.version, list] as const))('price list %s', (version, list) => {
    const at = new Date(list.effectiveFrom.getTime() + 3_600_000);

    it('prices every service exactly and stores the version', async () => {
      const llm = findPrice('llm', 'gpt-4o-mini', list)!;
      const embedding = findPrice('embedding', 'text-embedding-3-small', list)!;
      const stt = findPrice('voice_stt', 'nova-3', list)!;
      const tts = findPrice('voice_tts', 'tts-1', list)!;
      const vision = findPrice('vision', 'gpt-4o-mini-vision', list)!;
      const livekit = findPrice('livekit', 'cloud', list)!;
      const cases: Array<[TestEvent, string]> = [
        [{ service: 'llm', model: 'gpt-4o-mini', inputTokens: 1237, outputTokens: 331, occurredAt: at }, expectedCost([['1237', llm.inputPerMillionTokens], ['331', llm.outputPerMillionTokens]], MILLION)],
        [{ service: 'llm', model: 'gpt-4o-mini', inputTokens: 1, outputTokens: 0, occurredAt: at }, expectedCost([['1', llm.inputPerMillionTokens]], MILLION)],
        [{ service: 'embedding', model: 'text-embedding-3-small', tokens: 999_983, occurredAt: at }, expectedCost([['999983', embedding.perMillionTokens]], MILLION)],
        [{ service: 'voice_stt', model: 'nova-3', minutes: '12.3457', occurredAt: at }, expectedCost([['12.3457', stt.perMinute]])],
        [{ service: 'voice_tts', model: 'tts-1', characters: 10_007, occurredAt: at }, expectedCost([['10007', tts.perMillionCharacters]], MILLION)],
        [{ service: 'vision', model: 'gpt-4o-mini-vision', images: 7, occurredAt: at }, expectedCost([['7', vision.perImage]])],
        [{ service: 'livekit', model: 'cloud', participantMinutes: '0.3', occurredAt: at }, expectedCost([['0.3', livekit.perParticipantMinute]])],
      ];
      for (const [event, expected] of cases) {
        const recorded = await record(event);
        expect(recorded, event.service).toMatchObject({ costUsd: expected, priceVersion: version });
      }
    });
  });

  it('picks the price list in effect when the usage happened', () => {
    const [older, newer] = PRICE_LISTS;
    expect(priceListAt(new Date(newer!.effectiveFrom.getTime() - 1)).version).toBe(older!.version);
    expect(priceListAt(newer!.effectiveFrom).version).toBe(newer!.version);
    expect(priceListAt(new Date()).version).toBe(PRICE_VERSION);
    // The two lists really differ for speech-to-text, so the version matters.
    expect(findPrice('voice_stt', 'nova-3', older)!.perMinute).not.toBe(findPrice('voice_stt', 'nova-3', newer)!.perMinute);
  });

  it('sums many small costs without drift', async () => {
    const fresh = (await createTeam(db)).tenantId;
    const tts = findPrice('voice_tts', 'tts-1')!;
    await withTenantId(fresh, async (tx) => {
      for (let i = 0; i < 300; i++) await recordCost(tx, { tenantId: fresh, service: 'voice_tts', model: 'tts-1', characters: 7 });
    });
    const [row] = await db.select({ total: costEvents.costUsd }).from(costEvents).where(eq(costEvents.tenantId, fresh)).limit(1);
    const one = expectedCost([['7', tts.perMillionCharacters]], MILLION);
    expect(row!.total).toBe(one);
    const [sum] = await queryRows<{ total: string }>(db, sql`select sum(cost_usd)::text as total from cost_events where tenant_id = ${fresh}`);
    expect(sum!.total).toBe(fromScaled(toScaled(one) * 300n));
  });

  it('records an unpriced model at zero, flagged, and keeps the llm and embedding entry points', async () => {
    const cost = await withTenantId(tenantId, (tx) =>
      recordLlmCost(tx, { tenantId, provider: 'openai', model: 'gpt-4o-mini', inputTokens: 1000, outputTokens: 100, operation: 'answer' }),
    );
    const llm = findPrice('llm', 'gpt-4o-mini')!;
    expect(cost).toBe(expectedCost([['1000', llm.inputPerMillionTokens], ['100', llm.outputPerMillionTokens]], MILLION));
    await withTenantId(tenantId, (tx) => recordEmbeddingCost(tx, { tenantId, provider: 'local', model: 'lexical-v1', tokens: 50, operation: 'index' }));
    const [unpriced] = await db.select().from(costEvents).where(eq(costEvents.model, 'lexical-v1'));
    expect(unpriced).toMatchObject({ costUsd: '0.00000000', provider: 'local', metadata: { operation: 'index (unpriced model)' } });
  });

  it("adds the cost to the conversation's total", async () => {
    const [session] = await db.insert(sessions).values({ tenantId }).returning();
    await record({ service: 'llm', model: 'gpt-4o', inputTokens: 1000, outputTokens: 1000, sessionId: session!.id });
    await record({ service: 'embedding', model: 'voyage-3.5', tokens: 100, sessionId: session!.id });
    const [after] = await db.select({ costUsd: sessions.costUsd }).from(sessions).where(eq(sessions.id, session!.id));
    expect(after!.costUsd).toBe('0.01250600');
  });

  it('records a client event id once per tenant', async () => {
    const first = await record({ service: 'vision', model: 'gpt-4o-mini-vision', images: 2, externalId: 'evt-1' });
    const again = await record({ service: 'vision', model: 'gpt-4o-mini-vision', images: 2, externalId: 'evt-1' });
    expect(first).toBeDefined();
    expect(again).toBeUndefined();
  });
});
