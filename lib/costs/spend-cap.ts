import 'server-only';
import { sql } from 'drizzle-orm';
import { executeRows } from '@/db/sql';
import type { Transaction } from '@/db/withTenant';

/**
 * Whether the tenant's monthly spend cap is reached: this calendar month's (UTC) cost events
 * summed in SQL against `tenants.monthly_spend_cap_usd`. When it is, a critical monthly budget
 * alert is raised once (the unique index on tenant, period, period start and threshold makes
 * repeats a no-op). No cap: never reached.
 */
export async function isMonthlySpendCapReached(tx: Transaction, tenantId: string): Promise<boolean> {
  const [row] = await executeRows<{ cap: string | null; spent: string; reached: boolean }>(
    tx,
    sql`select t.monthly_spend_cap_usd as cap,
               coalesce(s.spent, 0)::text as spent,
               coalesce(coalesce(s.spent, 0) >= t.monthly_spend_cap_usd, false) as reached
          from tenants t
          left join lateral (
            select sum(c.cost_usd) as spent from cost_events c
             where c.tenant_id = t.id and c.occurred_at >= date_trunc('month', now() at time zone 'UTC') at time zone 'UTC'
          ) s on true
         where t.id = ${tenantId}`,
  );
  if (!row?.reached) return false;
  await tx.execute(sql`
    insert into budget_alerts (tenant_id, threshold, current_spend, period, period_start, severity)
    values (${tenantId}, ${row.cap}::numeric, ${row.spent}::numeric, 'monthly',
            date_trunc('month', now() at time zone 'UTC') at time zone 'UTC', 'critical')
    on conflict do nothing`);
  return true;
}
