import 'server-only';
import { listMembers } from '@/db/queries/memberships';
import { rollUpTenantCosts, type RollupResult } from '@/db/queries/cost-summaries';
import { markAlertNotified } from '@/db/queries/budgets';
import { getTenantById } from '@/db/queries/tenants';
import { tenants } from '@/db/schema';
import { withSystem, withTenantId } from '@/db/withTenant';
import { sendBudgetAlertEmail } from '@/lib/email';
import { checkBudgetThresholds } from './budget';

/**
 * The scheduled cost job: for every tenant, rolls new cost events up into the daily and monthly
 * summaries, then raises any budget alert now reached and emails it (after the commit, so a
 * slow mail server never holds a transaction open). Safe to run again at any time.
 */
export async function rollUpCosts(options: { settleSeconds?: number } = {}): Promise<RollupResult & { alerts: number }> {
  const tenantIds = await withSystem((tx) => tx.select({ id: tenants.id }).from(tenants));
  const total = { events: 0, days: 0, months: 0, alerts: 0 };
  for (const { id: tenantId } of tenantIds) {
    const outcome = await withTenantId(tenantId, async (tx) => {
      const rolled = await rollUpTenantCosts(tx, tenantId, options.settleSeconds);
      const alerts = await checkBudgetThresholds(tx, tenantId);
      if (alerts.length === 0) return { rolled, alerts, recipients: [], workspace: '', capUsd: null };
      const recipients = (await listMembers(tx, tenantId)).filter((m) => m.role !== 'member').map((m) => m.email);
      const tenant = await getTenantById(tx, tenantId);
      return { rolled, alerts, recipients, workspace: tenant?.name ?? '', capUsd: tenant?.monthlySpendCapUsd ?? null };
    });
    total.events += outcome.rolled.events;
    total.days += outcome.rolled.days;
    total.months += outcome.rolled.months;
    total.alerts += outcome.alerts.length;
    for (const alert of outcome.alerts) {
      const sent = await sendBudgetAlertEmail({
        to: outcome.recipients,
        workspace: outcome.workspace,
        severity: alert.severity,
        label: alert.metadata.customMessage ?? `${alert.period} budget`,
        thresholdUsd: alert.threshold,
        spentUsd: alert.currentSpend,
        pausesChat: alert.period === 'monthly' && outcome.capUsd !== null && alert.threshold === outcome.capUsd,
      });
      if (sent) await withTenantId(tenantId, (tx) => markAlertNotified(tx, tenantId, alert.id, outcome.recipients));
    }
  }
  return total;
}
