import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeDatabase, type Database, getDatabase } from '@/db/client';
import { rollUpTenantCosts } from '@/db/queries/cost-summaries';
import { getCostsByModel, getCostSeries, getCostTotal } from '@/db/queries/costs';
import { costEvents } from '@/db/schema';
import { withTenantId } from '@/db/withTenant';
import { type CostContext, type CostRecord, type Usage, costEventValues, recordCost } from '@/lib/costs/events';
import { rollUpCosts } from '@/lib/costs/rollup';
import { queryRows } from '../helpers/database';
import { createTeam } from '../helpers/team';
import { directAggregation, summaries } from './helpers';

type TestEvent = Usage & Omit<CostContext, 'tenantId'>;

const DAY = 86_400_000;
const now = Date.now();
const daysAgo = (days: number, hour = 12) => new Date(Math.floor(now / DAY) * DAY - days * DAY + hour * 3_600_000);

function usage(i: number, occurredAt: Date): TestEvent {
  const kinds: Array<Usage> = [
    { service: 'llm', model: i % 2 ? 'gpt-4o-mini' : 'gpt-4o', inputTokens: 500 + i * 7, outputTokens: 90 + i },
    { service: 'embedding', model: 'text-embedding-3-small', tokens: 20 + i },
    { service: 'voice_stt', model: 'nova-3', minutes: `${i % 9}.${(i * 37) % 100}` },
    { service: 'voice_tts', model: 'tts-1', characters: 1000 + i * 13 },
    { service: 'vision', model: 'gpt-4o-mini-vision', images: 1 + (i % 4) },
    { service: 'livekit', model: 'cloud', participantMinutes: 10 + (i % 30) },
  ];
  return { ...kinds[i % kinds.length]!, occurredAt } as TestEvent;
}

describe('cost rollups', () => {
  let db: Database;
  beforeAll(async () => {
    ({ db } = await getDatabase());
  });
  afterAll(closeDatabase);

  const addEvents = (tenantId: string, count: number, when: (i: number) => Date) =>
    withTenantId(tenantId, async (tx) => {
      for (let i = 0; i < count; i++) await recordCost(tx, { tenantId, ...usage(i, when(i)) } as CostRecord);
    });
  const rollUp = (tenantId: string, settleSeconds = 0) => withTenantId(tenantId, (tx) => rollUpTenantCosts(tx, tenantId, settleSeconds));
  // Pretends the events so far were recorded an hour ago, beyond the rollup's re-check overlap.
  const ageEvents = (tenantId: string) =>
    db.execute(sql`update cost_events set created_at = created_at - interval '1 hour' where tenant_id = ${tenantId}`);
  const expectSummariesMatchEvents = async (tenantId: string) => {
    expect(await summaries(db, tenantId, 'day')).toEqual(await directAggregation(db, tenantId, 'day'));
    expect(await summaries(db, tenantId, 'month')).toEqual(await directAggregation(db, tenantId, 'month'));
  };

  it('equals a direct aggregation over the events, and again after a re-run', async () => {
    const { tenantId } = await createTeam(db);
    // 75 days back: at least three calendar months and two price versions.
    await addEvents(tenantId, 300, (i) => daysAgo(i % 75, i % 24));
    const first = await rollUp(tenantId);
    expect(first.events).toBe(300);
    await expectSummariesMatchEvents(tenantId);
    const before = await summaries(db, tenantId, 'day');
    // Within the overlap the same periods are recomputed, to the same result.
    expect(await rollUp(tenantId)).toEqual(first);
    expect(await summaries(db, tenantId, 'day')).toEqual(before);
    await ageEvents(tenantId);
    expect(await rollUp(tenantId)).toEqual({ events: 0, days: 0, months: 0 });
    expect(await summaries(db, tenantId, 'day')).toEqual(before);
  });

  it('recomputes the periods late events fall in, and only those', async () => {
    const { tenantId } = await createTeam(db);
    await addEvents(tenantId, 120, (i) => daysAgo(i % 40));
    await rollUp(tenantId);
    await ageEvents(tenantId);
    // An agent reports usage from weeks ago, and today's traffic goes on.
    await addEvents(tenantId, 10, (i) => daysAgo(30 + (i % 3), 3));
    await addEvents(tenantId, 5, () => daysAgo(0, 1));
    const second = await rollUp(tenantId);
    expect(second.events).toBe((await directAggregation(db, tenantId, 'day')).filter((d) => [30, 31, 32, 0].some((n) => d.start.startsWith(daysAgo(n).toISOString().slice(0, 10)))).reduce((sum, d) => sum + d.events, 0));
    expect(second.days).toBe(4);
    await expectSummariesMatchEvents(tenantId);
  });

  it('catches an event whose transaction committed behind the watermark', async () => {
    const { tenantId } = await createTeam(db);
    await addEvents(tenantId, 6, (i) => daysAgo(i));
    await rollUp(tenantId);
    // created_at is a transaction's start time: a long transaction can commit an event dated before the watermark.
    await db.insert(costEvents).values({ ...costEventValues({ tenantId, ...usage(1, daysAgo(2)) } as CostRecord), createdAt: sql`now() - interval '2 minutes'` });
    await rollUp(tenantId);
    await expectSummariesMatchEvents(tenantId);
  });

  it('gives readers exact figures including events the rollup has not reached yet', async () => {
    const { tenantId } = await createTeam(db);
    await addEvents(tenantId, 60, (i) => daysAgo(i % 20));
    await rollUp(tenantId);
    await addEvents(tenantId, 12, (i) => daysAgo(i % 3));
    // Rolled up with the usual settle delay: the newest events stay unrolled for now.
    await rollUp(tenantId, 60);
    const range = { from: daysAgo(90, 0).toISOString(), to: daysAgo(-1, 0).toISOString() };
    const [direct] = await queryRows<{ total: string; events: number }>(
      db,
      sql`select sum(cost_usd)::text as total, count(*)::int as events from cost_events where tenant_id = ${tenantId}`,
    );
    const read = await withTenantId(tenantId, async (tx) => ({
      total: await getCostTotal(tx, tenantId, range),
      byModel: await getCostsByModel(tx, tenantId, range),
      series: await getCostSeries(tx, tenantId, range, 'week'),
    }));
    expect(read.total).toEqual({ costUsd: direct!.total, events: direct!.events });
    expect(read.byModel.reduce((sum, row) => sum + row.events, 0)).toBe(direct!.events);
    const [seriesTotal] = await queryRows<{ total: string }>(
      db,
      sql`select sum(x)::text as total from unnest(${sql.raw(`array[${read.series.map((row) => `'${row.totalUsd}'`).join(',')}]`)}::numeric[]) x`,
    );
    expect(seriesTotal!.total).toBe(direct!.total);
  });

  it("rolls up every tenant's events into that tenant's summaries only", async () => {
    const a = await createTeam(db, 'A');
    const b = await createTeam(db, 'B');
    await addEvents(a.tenantId, 30, (i) => daysAgo(i % 5));
    await addEvents(b.tenantId, 7, (i) => daysAgo(i % 2));
    const result = await rollUpCosts({ settleSeconds: 0 });
    expect(result.events).toBeGreaterThanOrEqual(37);
    await expectSummariesMatchEvents(a.tenantId);
    await expectSummariesMatchEvents(b.tenantId);
  });
});
