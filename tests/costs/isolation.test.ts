import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeDatabase, type Database, getDatabase } from '@/db/client';
import { listBudgetAlerts, listBudgetThresholds, listEffectiveThresholds } from '@/db/queries/budgets';
import { rollUpTenantCosts } from '@/db/queries/cost-summaries';
import {
  getCostEventByExternalId,
  getCostsByModel,
  getCostSeries,
  getCostTotal,
  getCurrentPeriodSpend,
  getMonthForecast,
  isTenantSession,
  listCostEventsForExport,
  listMostExpensiveSessions,
} from '@/db/queries/costs';
import { sessions, tenants } from '@/db/schema';
import { withTenantId } from '@/db/withTenant';
import { getSpendCapStatus } from '@/lib/costs/budget';
import { recordCost } from '@/lib/costs/events';
import { expectSqlState } from '../helpers/database';
import { createTeam } from '../helpers/team';

// Every cost query, run in tenant A's scope but asked about tenant B, finds nothing of B's:
// the tenant filter in the SQL and row-level security both stand between them.
describe('tenant isolation of cost queries', () => {
  let db: Database;
  let a: string;
  let b: string;
  let sessionOfB: string;
  const range = { from: new Date(Date.now() - 30 * 86_400_000).toISOString(), to: new Date(Date.now() + 86_400_000).toISOString() };

  beforeAll(async () => {
    ({ db } = await getDatabase());
    a = (await createTeam(db, 'A')).tenantId;
    b = (await createTeam(db, 'B')).tenantId;
    await db.update(tenants).set({ monthlySpendCapUsd: '1.00' }).where(sql`true`);
    const [session] = await db.insert(sessions).values({ tenantId: b }).returning();
    sessionOfB = session!.id;
    for (const tenantId of [a, b]) {
      // One event rolled up into the summaries, one not yet: queries read both.
      await withTenantId(tenantId, (tx) =>
        recordCost(tx, { tenantId, service: 'voice_tts', model: 'tts-1', characters: 100_000, externalId: 'same-id', sessionId: tenantId === b ? sessionOfB : undefined }),
      );
      await withTenantId(tenantId, (tx) => rollUpTenantCosts(tx, tenantId, 0));
      await withTenantId(tenantId, (tx) => recordCost(tx, { tenantId, service: 'vision', model: 'gpt-4o-mini-vision', images: 4 }));
    }
  });
  afterAll(closeDatabase);

  it('sees its own data through every query', async () => {
    const own = await withTenantId(a, async (tx) => ({
      total: await getCostTotal(tx, a, range),
      spend: await getCurrentPeriodSpend(tx, a, 'monthly'),
      thresholds: await listEffectiveThresholds(tx, a),
      alerts: await listBudgetAlerts(tx, a),
      export: await listCostEventsForExport(tx, a, range, undefined, 10),
    }));
    expect(own.total).toEqual({ costUsd: '1.50850000', events: 2 });
    expect(own.spend.spentUsd).toBe('1.50850000');
    expect(own.thresholds).toHaveLength(3); // 80% and 100% of the cap, and the team's custom one
    expect(own.alerts).toHaveLength(1);
    expect(own.export).toHaveLength(2);
  });

  it("finds nothing of another tenant's, whichever query asks", async () => {
    const seen = await withTenantId(a, async (tx) => ({
      series: (await getCostSeries(tx, b, range, 'day')).filter((period) => period.totalUsd !== '0'),
      byModel: await getCostsByModel(tx, b, range),
      total: await getCostTotal(tx, b, range),
      spend: (await getCurrentPeriodSpend(tx, b, 'daily')).spentUsd,
      forecast: await getMonthForecast(tx, b),
      sessions: await listMostExpensiveSessions(tx, b, range),
      export: await listCostEventsForExport(tx, b, range, undefined, 100),
      byExternalId: await getCostEventByExternalId(tx, b, 'same-id'),
      isSession: await isTenantSession(tx, b, sessionOfB),
      thresholds: await listBudgetThresholds(tx, b),
      effective: await listEffectiveThresholds(tx, b),
      alerts: await listBudgetAlerts(tx, b),
      cap: await getSpendCapStatus(tx, b),
    }));
    expect(seen).toEqual({
      series: [],
      byModel: [],
      total: { costUsd: '0', events: 0 },
      spend: '0',
      forecast: { spentUsd: '0', forecastUsd: '0.00', capUsd: null },
      sessions: [],
      export: [],
      byExternalId: undefined,
      isSession: false,
      thresholds: [],
      effective: [],
      alerts: [],
      cap: expect.objectContaining({ capUsd: null, spentUsd: '0', reached: false }),
    });
  });

  it("cannot roll up another tenant's events", async () => {
    await expectSqlState(withTenantId(a, (tx) => rollUpTenantCosts(tx, b, 0)), '42501');
  });
});
