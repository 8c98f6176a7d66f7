import 'server-only';
import { and, desc, eq, sql } from 'drizzle-orm';
import type { Transaction } from '../client';
import { budgetAlerts, type BudgetPeriod, type BudgetSeverity, budgetThresholds, tenants } from '../schema';
import { executeRows } from '../sql';

/** Every workspace with a monthly cap is warned at 80% of it and alerted at 100%. */
export const CAP_THRESHOLDS: ReadonlyArray<{ percent: number; severity: BudgetSeverity }> = [
  { percent: 80, severity: 'warning' },
  { percent: 100, severity: 'critical' },
];

export async function listBudgetThresholds(tx: Transaction, tenantId: string) {
  return tx
    .select({ id: budgetThresholds.id, amountUsd: budgetThresholds.amountUsd, period: budgetThresholds.period, severity: budgetThresholds.severity })
    .from(budgetThresholds)
    .where(eq(budgetThresholds.tenantId, tenantId))
    .orderBy(budgetThresholds.period, budgetThresholds.amountUsd);
}

/** Adds a custom threshold; false when the same amount and period already exists. */
export async function createBudgetThreshold(
  tx: Transaction,
  values: { tenantId: string; amountUsd: string; period: BudgetPeriod; severity: BudgetSeverity; createdBy: string },
) {
  const created = await tx.insert(budgetThresholds).values(values).onConflictDoNothing().returning({ id: budgetThresholds.id });
  return created.length > 0;
}

export async function deleteBudgetThreshold(tx: Transaction, tenantId: string, thresholdId: string) {
  const deleted = await tx
    .delete(budgetThresholds)
    .where(and(eq(budgetThresholds.tenantId, tenantId), eq(budgetThresholds.id, thresholdId)))
    .returning({ id: budgetThresholds.id });
  return deleted.length > 0;
}

/** `id` is set for custom thresholds (which can be removed), null for the cap's own. */
export type EffectiveThreshold = { id: string | null; amountUsd: string; period: BudgetPeriod; severity: BudgetSeverity; label: string };

/** The cap's thresholds (in dollars, from the current cap) and the custom ones. */
export async function listEffectiveThresholds(tx: Transaction, tenantId: string): Promise<EffectiveThreshold[]> {
  const [tenant] = await tx.select({ cap: tenants.monthlySpendCapUsd }).from(tenants).where(eq(tenants.id, tenantId));
  const fromCap = tenant?.cap
    ? await executeRows<EffectiveThreshold>(
        tx,
        sql.join(
          CAP_THRESHOLDS.map(
            ({ percent, severity }) => sql`select null as id, round(${tenant.cap}::numeric * ${percent} / 100, 2)::text as "amountUsd", 'monthly' as period,
              ${severity} as severity, ${`${percent}% of the monthly cap`} as label`,
          ),
          sql` union all `,
        ),
      )
    : [];
  const custom = await listBudgetThresholds(tx, tenantId);
  return [...fromCap, ...custom.map((t) => ({ id: t.id, amountUsd: t.amountUsd, period: t.period, severity: t.severity, label: `custom ${t.period} budget` }))];
}

/**
 * Raises an alert unless this threshold was already raised in this period (the unique index
 * makes that hold under concurrent runs). Returns the new alert, or undefined.
 */
export async function raiseBudgetAlert(
  tx: Transaction,
  values: { tenantId: string; threshold: string; currentSpend: string; period: BudgetPeriod; periodStart: string; severity: BudgetSeverity; label: string },
) {
  const [alert] = await tx
    .insert(budgetAlerts)
    .values({
      tenantId: values.tenantId,
      threshold: values.threshold,
      currentSpend: values.currentSpend,
      period: values.period,
      periodStart: sql`${values.periodStart}::timestamptz`,
      severity: values.severity,
      metadata: { customMessage: values.label },
    })
    .onConflictDoNothing()
    .returning();
  return alert;
}

export async function markAlertNotified(tx: Transaction, tenantId: string, alertId: string, recipients: string[]) {
  await tx
    .update(budgetAlerts)
    .set({ notificationsSent: sql`${budgetAlerts.notificationsSent} + 1`, metadata: sql`${budgetAlerts.metadata} || ${JSON.stringify({ recipients, channels: ['email'] })}::jsonb` })
    .where(and(eq(budgetAlerts.tenantId, tenantId), eq(budgetAlerts.id, alertId)));
}

/** Unresolved alerts first, then the most recent. */
export async function listBudgetAlerts(tx: Transaction, tenantId: string, limit = 20) {
  return tx
    .select()
    .from(budgetAlerts)
    .where(eq(budgetAlerts.tenantId, tenantId))
    .orderBy(budgetAlerts.resolved, desc(budgetAlerts.triggeredAt))
    .limit(limit);
}

export async function resolveBudgetAlert(tx: Transaction, tenantId: string, alertId: string) {
  const resolved = await tx
    .update(budgetAlerts)
    .set({ resolved: true, resolvedAt: new Date() })
    .where(and(eq(budgetAlerts.tenantId, tenantId), eq(budgetAlerts.id, alertId), eq(budgetAlerts.resolved, false)))
    .returning({ id: budgetAlerts.id });
  return resolved.length > 0;
}
