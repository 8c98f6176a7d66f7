import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { closeDatabase, type Database, getDatabase } from '@/db/client';
import { budgetAlerts, budgetThresholds, tenants } from '@/db/schema';
import { withTenantId } from '@/db/withTenant';
import { assertWithinSpendCap, checkBudgetThresholds, getSpendCapStatus, SpendCapReachedError } from '@/lib/costs/budget';
import { recordCost } from '@/lib/costs/events';
import { rollUpCosts } from '@/lib/costs/rollup';
import { startSmtpServer } from '../helpers/smtp';
import { createTeam } from '../helpers/team';

// 1,000,000 characters of tts-1 cost exactly $15.00 at every price version.
const spend = (tenantId: string, millionsOfCharacters: number, occurredAt = new Date()) =>
  withTenantId(tenantId, (tx) => recordCost(tx, { tenantId, service: 'voice_tts', model: 'tts-1', characters: millionsOfCharacters * 1_000_000, occurredAt }));

describe('budgets', () => {
  let db: Database;
  beforeAll(async () => {
    ({ db } = await getDatabase());
  });
  afterAll(closeDatabase);

  // A team without the helper's sample threshold and alert, so every alert here is this test's.
  const teamWithoutBudgets = async () => {
    const team = await createTeam(db);
    await db.delete(budgetThresholds).where(eq(budgetThresholds.tenantId, team.tenantId));
    await db.delete(budgetAlerts).where(eq(budgetAlerts.tenantId, team.tenantId));
    return team;
  };
  const alertsOf = (tenantId: string) => db.select().from(budgetAlerts).where(eq(budgetAlerts.tenantId, tenantId)).orderBy(budgetAlerts.threshold);
  const check = (tenantId: string) => withTenantId(tenantId, (tx) => checkBudgetThresholds(tx, tenantId));

  it('raises each threshold once per period: 80% warning, 100% critical, and custom amounts', async () => {
    const { tenantId } = await teamWithoutBudgets();
    await db.update(tenants).set({ monthlySpendCapUsd: '100.00' }).where(eq(tenants.id, tenantId));
    await db.insert(budgetThresholds).values({ tenantId, amountUsd: '20.00', period: 'daily', severity: 'warning' });

    await spend(tenantId, 1); // $15
    expect(await check(tenantId)).toEqual([]);
    await spend(tenantId, 4); // $75
    expect((await check(tenantId)).map((a) => [a.period, a.threshold, a.severity])).toEqual([['daily', '20.00', 'warning']]);
    await spend(tenantId, 1); // $90
    expect((await check(tenantId)).map((a) => [a.period, a.threshold, a.severity])).toEqual([['monthly', '80.00', 'warning']]);
    expect(await check(tenantId)).toEqual([]);
    await spend(tenantId, 1); // $105
    expect((await check(tenantId)).map((a) => [a.period, a.threshold, a.severity])).toEqual([['monthly', '100.00', 'critical']]);
    await spend(tenantId, 1);
    expect(await check(tenantId)).toEqual([]);

    const alerts = await alertsOf(tenantId);
    expect(alerts.map((a) => [a.threshold, a.currentSpend, a.metadata.customMessage])).toEqual([
      ['20.00', '75.00000000', 'custom daily budget'],
      ['80.00', '90.00000000', '80% of the monthly cap'],
      ['100.00', '105.00000000', '100% of the monthly cap'],
    ]);
  });

  it('does not count last month against this month', async () => {
    const { tenantId } = await teamWithoutBudgets();
    await db.update(tenants).set({ monthlySpendCapUsd: '10.00' }).where(eq(tenants.id, tenantId));
    const lastMonth = new Date();
    lastMonth.setUTCDate(0); // the last day of the previous month
    await spend(tenantId, 2, lastMonth);
    expect(await withTenantId(tenantId, (tx) => getSpendCapStatus(tx, tenantId))).toMatchObject({ spentUsd: '0', reached: false });
    expect(await check(tenantId)).toEqual([]);
  });

  it('blocks spending at the cap and resumes when the cap is raised or removed', async () => {
    const { tenantId } = await teamWithoutBudgets();
    await db.update(tenants).set({ monthlySpendCapUsd: '30.00' }).where(eq(tenants.id, tenantId));
    const assertOk = () => withTenantId(tenantId, (tx) => assertWithinSpendCap(tx, tenantId));

    await spend(tenantId, 1); // $15 of $30
    await expect(assertOk()).resolves.toBeUndefined();
    await spend(tenantId, 1); // exactly $30: the cap is reached
    await expect(assertOk()).rejects.toBeInstanceOf(SpendCapReachedError);
    // Still blocked once the rollup has summarised the events (summaries + unrolled tail, no double count).
    await rollUpCosts({ settleSeconds: 0 });
    const status = await withTenantId(tenantId, (tx) => getSpendCapStatus(tx, tenantId));
    expect(status).toMatchObject({ capUsd: '30.00', spentUsd: '30.00000000', reached: true });

    await db.update(tenants).set({ monthlySpendCapUsd: '30.01' }).where(eq(tenants.id, tenantId));
    await expect(assertOk()).resolves.toBeUndefined();
    await spend(tenantId, 1);
    await expect(assertOk()).rejects.toThrow('monthly budget');
    await db.update(tenants).set({ monthlySpendCapUsd: null }).where(eq(tenants.id, tenantId));
    await expect(assertOk()).resolves.toBeUndefined();
  });

  it('emails new alerts to owners and admins when SMTP is configured, once', async () => {
    const smtp = await startSmtpServer();
    vi.stubEnv('SMTP_URL', smtp.url);
    vi.resetModules();
    try {
      const { rollUpCosts: rollUpWithSmtp } = await import('@/lib/costs/rollup');
      const team = await teamWithoutBudgets();
      await db.update(tenants).set({ monthlySpendCapUsd: '15.00' }).where(eq(tenants.id, team.tenantId));
      await spend(team.tenantId, 1);
      await rollUpWithSmtp({ settleSeconds: 0 });
      await rollUpWithSmtp({ settleSeconds: 0 });
      const mine = smtp.received.filter((mail) => mail.to.some((to) => to.startsWith('owner-')) && mail.body.includes(team.name));
      expect(mine).toHaveLength(2); // the 80% warning and the 100% critical, each once
      // Owners and admins, not members.
      expect(mine[0]!.to.map((address) => address.split('-')[0]).sort()).toEqual(['admin', 'owner', 'secondOwner']);
      expect(mine.some((mail) => mail.body.includes('paused'))).toBe(true);
      const alerts = await alertsOf(team.tenantId);
      expect(alerts.map((a) => a.notificationsSent)).toEqual([1, 1]);
    } finally {
      vi.unstubAllEnvs();
      await smtp.close();
    }
  });
});
