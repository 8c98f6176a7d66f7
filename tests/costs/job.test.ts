import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeDatabase, type Database, getDatabase } from '@/db/client';
import { closeQueue, getQueue, QUEUES, ROLLUP_SCHEDULE } from '@/db/queue';
import { costRollupWatermarks, costSummaries } from '@/db/schema';
import { withTenantId } from '@/db/withTenant';
import { recordCost } from '@/lib/costs/events';
import { startWorkers } from '@/lib/jobs/workers';
import { createTeam } from '../helpers/team';

// The rollup runs as a job on the same PostgreSQL-backed queue as ingestion (pg-boss through
// its PGlite adapter here), scheduled every minute.
describe('cost rollup job', () => {
  let db: Database;
  beforeAll(async () => {
    ({ db } = await getDatabase());
  });
  afterAll(async () => {
    await closeQueue();
    await closeDatabase();
  });

  it('is scheduled every minute and rolls up when its job runs', async () => {
    const { tenantId } = await createTeam(db);
    await withTenantId(tenantId, (tx) =>
      recordCost(tx, { tenantId, service: 'vision', model: 'gpt-4o-mini-vision', images: 3, occurredAt: new Date(Date.now() - 3_600_000) }),
    );
    await startWorkers();
    const boss = await getQueue();
    expect((await boss.getSchedules(QUEUES.rollUpCosts)).map((schedule) => schedule.cron)).toEqual([ROLLUP_SCHEDULE]);

    // Recorded just now, so the event waits out the rollup's settle delay before it is summarised.
    await new Promise((resolve) => setTimeout(resolve, 5_500));
    await boss.send(QUEUES.rollUpCosts, {});
    for (let i = 0; i < 100 && (await db.select().from(costSummaries).where(eq(costSummaries.tenantId, tenantId))).length < 2; i++) {
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    const summaries = await db.select().from(costSummaries).where(eq(costSummaries.tenantId, tenantId));
    expect(summaries.map((s) => [s.granularity, s.eventCount, s.totalCostUsd]).sort()).toEqual([
      ['day', 1, '0.00637500'],
      ['month', 1, '0.00637500'],
    ]);
    expect(await db.select().from(costRollupWatermarks).where(eq(costRollupWatermarks.tenantId, tenantId))).toHaveLength(1);
  });
});
