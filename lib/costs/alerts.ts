import 'server-only';
import { markAlertNotified } from '@/db/queries/budgets';
import { listMembers } from '@/db/queries/memberships';
import { getTenantById } from '@/db/queries/tenants';
import { withTenantId } from '@/db/withTenant';
import { sendBudgetAlertEmail } from '@/lib/email';
import { checkBudgetThresholds } from './budget';

/**
 * Raises every budget alert the tenant's spend has now reached (once per threshold and
 * period) and emails each to its owners and admins after the commit, so a slow mail server
 * never holds a transaction open. Returns how many alerts were raised. Call outside any scope.
 */
export async function raiseBudgetAlerts(tenantId: string): Promise<number> {
  const outcome = await withTenantId(tenantId, async (tx) => {
    const alerts = await checkBudgetThresholds(tx, tenantId);
    if (alerts.length === 0) return { alerts, recipients: [], workspace: '', capUsd: null };
    const recipients = (await listMembers(tx, tenantId)).filter((m) => m.role !== 'member').map((m) => m.email);
    const tenant = await getTenantById(tx, tenantId);
    return { alerts, recipients, workspace: tenant?.name ?? '', capUsd: tenant?.monthlySpendCapUsd ?? null };
  });
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
  return outcome.alerts.length;
}
