import { eq, sql } from 'drizzle-orm';
import type { Database } from '@/db/client';
import { costEvents } from '@/db/schema';
import { queryRows } from '../helpers/database';

/** Exact decimal arithmetic for expectations: values as BigInt scaled by 10^8 (the column's scale). */
export function toScaled(decimal: string, scale = 8): bigint {
  const negative = decimal.startsWith('-');
  const [whole = '0', fraction = ''] = decimal.replace(/^-/, '').split('.');
  const value = BigInt(whole + fraction.padEnd(scale, '0').slice(0, scale));
  return negative ? -value : value;
}

export function fromScaled(value: bigint, scale = 8): string {
  const digits = value.toString().padStart(scale + 1, '0');
  return `${digits.slice(0, -scale)}.${digits.slice(-scale)}`;
}

/** sum(quantity x price) / divisor, rounded half up to 8 decimals, as PostgreSQL numeric(14, 8) stores it. */
export function expectedCost(terms: Array<[quantity: string, price: string]>, divisor = 1n): string {
  const exact = terms.reduce((sum, [quantity, price]) => sum + toScaled(quantity) * toScaled(price), 0n); // scale 16
  const denominator = 10n ** 8n * divisor;
  return fromScaled((exact * 2n + denominator) / (2n * denominator));
}

export type PeriodTotals = { start: string; total: string; events: number; breakdown: Record<string, string> };

/** What a tenant's events add up to per UTC day or month, aggregated directly from cost_events (the reference). */
export function directAggregation(db: Database, tenantId: string, granularity: 'day' | 'month') {
  return queryRows<PeriodTotals>(db, sql`
    with per_service as (
      select date_trunc(${granularity}, occurred_at, 'UTC') as start, service, sum(cost_usd) as cost, count(*) as n
      from cost_events where tenant_id = ${tenantId} group by 1, 2
    )
    select start::text, sum(cost)::text as total, sum(n)::int as events, jsonb_object_agg(service, cost::text) as breakdown
    from per_service group by start order by start`);
}

/** The rollup's summaries in the same shape. */
export function summaries(db: Database, tenantId: string, granularity: 'day' | 'month') {
  return queryRows<PeriodTotals>(db, sql`
    select period_start::text as start, total_cost_usd::text as total, event_count as events, breakdown
    from cost_summaries where tenant_id = ${tenantId} and granularity = ${granularity} order by period_start`);
}

export async function countEvents(db: Database, tenantId: string) {
  const [row] = await db.select({ n: sql<number>`count(*)::int` }).from(costEvents).where(eq(costEvents.tenantId, tenantId));
  return row!.n;
}
