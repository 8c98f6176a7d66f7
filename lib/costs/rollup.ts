import 'server-only';
import { rollUpTenantCosts, type RollupResult } from '@/db/queries/cost-summaries';
import { tenants } from '@/db/schema';
import { withSystem, withTenantId } from '@/db/withTenant';
import { raiseBudgetAlerts } from './alerts';

/**
 * The scheduled cost job: for every tenant, rolls new cost events up into the daily and monthly
 * summaries, then raises (and emails) any budget alert now reached. Safe to run again at any time.
 */
export async function rollUpCosts(options: { settleSeconds?: number } = {}): Promise<RollupResult & { alerts: number }> {
  const tenantIds = await withSystem((tx) => tx.select({ id: tenants.id }).from(tenants));
  const total = { events: 0, days: 0, months: 0, alerts: 0 };
  for (const { id: tenantId } of tenantIds) {
    const rolled = await withTenantId(tenantId, (tx) => rollUpTenantCosts(tx, tenantId, options.settleSeconds));
    total.events += rolled.events;
    total.days += rolled.days;
    total.months += rolled.months;
    total.alerts += await raiseBudgetAlerts(tenantId);
  }
  return total;
}
