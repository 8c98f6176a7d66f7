import 'server-only';
import { listBudgetAlerts, listEffectiveThresholds } from '@/db/queries/budgets';
import { getCostsByModel, getCostSeries, getCostTotal, getMonthForecast, listMostExpensiveSessions } from '@/db/queries/costs';
import type { Transaction } from '@/db/withTenant';
import type { CostQuery } from './range';

/** Everything the costs page shows, read in the page's one tenant transaction (also what the benchmark times). */
export async function loadCostsPage(tx: Transaction, tenantId: string, query: Pick<CostQuery, 'range' | 'grouping'>) {
  return {
    series: await getCostSeries(tx, tenantId, query.range, query.grouping),
    byModel: await getCostsByModel(tx, tenantId, query.range),
    total: await getCostTotal(tx, tenantId, query.range),
    month: await getMonthForecast(tx, tenantId),
    sessions: await listMostExpensiveSessions(tx, tenantId, query.range),
    alerts: await listBudgetAlerts(tx, tenantId),
    thresholds: await listEffectiveThresholds(tx, tenantId),
  };
}
