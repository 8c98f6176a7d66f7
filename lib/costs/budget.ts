import 'server-only';
import { sql } from 'drizzle-orm';
import { listEffectiveThresholds, raiseBudgetAlert } from '@/db/queries/budgets';
import { getCurrentPeriodSpend, type PeriodSpend } from '@/db/queries/costs';
import { getTenantById } from '@/db/queries/tenants';
import type { BudgetAlert, BudgetPeriod } from '@/db/schema';
import { executeRows } from '@/db/sql';
import type { Transaction } from '@/db/withTenant';

export type SpendCapStatus = { capUsd: string | null; spentUsd: string; monthStart: string; reached: boolean };

/**
 * This month's spend against the monthly cap, exact and current (the rollup's summaries plus
 * the events it has not reached yet). Spending resumes by itself when the cap is raised or
 * removed, or when the month turns.
 */
export async function getSpendCapStatus(tx: Transaction, tenantId: string): Promise<SpendCapStatus> {
  const tenant = await getTenantById(tx, tenantId);
  const spend = await getCurrentPeriodSpend(tx, tenantId, 'monthly');
  const capUsd = tenant?.monthlySpendCapUsd ?? null;
  return { capUsd, spentUsd: spend.spentUsd, monthStart: spend.periodStart, reached: capUsd !== null && (await atLeast(tx, spend.spentUsd, capUsd)) };
}

export class SpendCapReachedError extends Error {
  constructor(readonly status: SpendCapStatus) {
    super('This assistant has reached its monthly budget and is paused until the budget is raised or the month ends.');
    this.name = 'SpendCapReachedError';
  }
}

/** For public chat: refuses to start billable work once the monthly cap is reached. */
export async function assertWithinSpendCap(tx: Transaction, tenantId: string): Promise<void> {
  const status = await getSpendCapStatus(tx, tenantId);
  if (status.reached) throw new SpendCapReachedError(status);
}

/** Compares decimal strings in PostgreSQL numeric, never as floats. */
async function atLeast(tx: Transaction, amount: string, threshold: string): Promise<boolean> {
  const [row] = await executeRows<{ reached: boolean }>(tx, sql`select ${amount}::numeric >= ${threshold}::numeric as reached`);
  return row!.reached;
}

/**
 * Raises an alert for every threshold the current day, week or month has reached, once per
 * threshold and period. Returns the alerts raised now (to notify once committed).
 */
export async function checkBudgetThresholds(tx: Transaction, tenantId: string): Promise<BudgetAlert[]> {
  const thresholds = await listEffectiveThresholds(tx, tenantId);
  const spends = new Map<BudgetPeriod, PeriodSpend>();
  const raised: BudgetAlert[] = [];
  for (const threshold of thresholds) {
    const spend = spends.get(threshold.period) ?? (await getCurrentPeriodSpend(tx, tenantId, threshold.period));
    spends.set(threshold.period, spend);
    if (!(await atLeast(tx, spend.spentUsd, threshold.amountUsd))) continue;
    const alert = await raiseBudgetAlert(tx, {
      tenantId,
      threshold: threshold.amountUsd,
      currentSpend: spend.spentUsd,
      period: threshold.period,
      periodStart: spend.periodStart,
      severity: threshold.severity,
      label: threshold.label,
    });
    if (alert) raised.push(alert);
  }
  return raised;
}
