import 'server-only';
import { and, desc, eq, gte, lt, type SQL, sql } from 'drizzle-orm';
import type { Transaction } from '../client';
import { type BudgetPeriod, costEvents, type CostService, sessions } from '../schema';
import { executeRows } from '../sql';
import { readWithWatermark } from './cost-summaries';

// Reads of what a tenant spent. Each reads the daily summaries plus the events the rollup has
// not reached yet (readWithWatermark), so figures are exact and current while never scanning
// more raw events than the last minute's. Periods are UTC days, weeks (ISO, from Monday) and
// months. Money comes back as decimal strings.

export type CostGrouping = 'day' | 'week' | 'month';
/** A range of whole UTC days: `from` inclusive, `to` exclusive, as ISO timestamps. */
export type CostRange = { from: string; to: string };

const PERIOD_UNIT: Record<BudgetPeriod, 'day' | 'week' | 'month'> = { daily: 'day', weekly: 'week', monthly: 'month' };

/** Cost rows at day x service x provider x model granularity for a range. */
function costRows(tenantId: string, { from, to }: CostRange, unrolledAfter: SQL) {
  return sql`
    select s.period_start as day, m->>'service' as service, m->>'provider' as provider, m->>'model' as model,
      (m->>'costUsd')::numeric as cost, (m->>'events')::int as events
    from cost_summaries s, jsonb_array_elements(s.by_model) m
    where s.tenant_id = ${tenantId} and s.granularity = 'day' and s.period_start >= ${from}::timestamptz and s.period_start < ${to}::timestamptz
    union all
    select date_trunc('day', e.occurred_at, 'UTC'), e.service, e.provider, e.model, e.cost_usd, 1
    from cost_events e
    where e.tenant_id = ${tenantId} and e.created_at > ${unrolledAfter}
      and e.occurred_at >= ${from}::timestamptz and e.occurred_at < ${to}::timestamptz`;
}

export type CostSeriesRow = { period: string; totalUsd: string; costs: Partial<Record<CostService, string>> };

/** Spend per period of the range (every period, empty ones at zero), in total and per service: the stacked chart. */
export async function getCostSeries(tx: Transaction, tenantId: string, range: CostRange, grouping: CostGrouping) {
  return readWithWatermark(tx, tenantId, (unrolledAfter) =>
    executeRows<CostSeriesRow>(
      tx,
      sql`
      with rows as (${costRows(tenantId, range, unrolledAfter)}),
      periods as (
        select generate_series(date_trunc(${grouping}, ${range.from}::timestamptz, 'UTC'), ${range.to}::timestamptz - interval '1 second',
          ${`1 ${grouping}`}::interval, 'UTC') as start
      ),
      per_service as (
        select date_trunc(${grouping}, day, 'UTC') as start, service, sum(cost) as cost from rows group by 1, 2
      )
      select to_char(p.start at time zone 'UTC', 'YYYY-MM-DD') as period, coalesce(sum(s.cost), 0)::text as "totalUsd",
        coalesce(jsonb_object_agg(s.service, s.cost::text) filter (where s.service is not null), '{}') as costs
      from periods p left join per_service s on s.start = p.start
      group by p.start order by p.start`,
    ),
  );
}

export type ModelCostRow = { service: CostService; provider: string; model: string | null; costUsd: string; events: number };

/** Spend per service, provider and model over a range, most expensive first. */
export async function getCostsByModel(tx: Transaction, tenantId: string, range: CostRange) {
  return readWithWatermark(tx, tenantId, (unrolledAfter) =>
    executeRows<ModelCostRow>(
      tx,
      sql`
      with rows as (${costRows(tenantId, range, unrolledAfter)})
      select service, provider, model, sum(cost)::text as "costUsd", sum(events)::int as events
      from rows group by 1, 2, 3 order by sum(cost) desc, 1, 2, 3`,
    ),
  );
}

/** Total spend and event count over a range. */
export async function getCostTotal(tx: Transaction, tenantId: string, range: CostRange) {
  const [row] = await readWithWatermark(tx, tenantId, (unrolledAfter) =>
    executeRows<{ costUsd: string; events: number }>(
      tx,
      sql`
      with rows as (${costRows(tenantId, range, unrolledAfter)})
      select coalesce(sum(cost), 0)::text as "costUsd", coalesce(sum(events), 0)::int as events from rows`,
    ),
  );
  return row!;
}

export type PeriodSpend = { periodStart: string; periodEnd: string; spentUsd: string };

/** What the tenant has spent in the current day, week or month (UTC). */
export async function getCurrentPeriodSpend(tx: Transaction, tenantId: string, period: BudgetPeriod): Promise<PeriodSpend> {
  const unit = PERIOD_UNIT[period];
  const [row] = await readWithWatermark(tx, tenantId, (unrolledAfter) =>
    executeRows<PeriodSpend>(
      tx,
      sql`
      with bounds as (
        select date_trunc(${unit}, now(), 'UTC') as start, date_add(date_trunc(${unit}, now(), 'UTC'), ${`1 ${unit}`}::interval, 'UTC') as "end"
      )
      select b.start::text as "periodStart", b."end"::text as "periodEnd",
        (coalesce((select sum(s.total_cost_usd) from cost_summaries s
           where s.tenant_id = ${tenantId} and s.granularity = 'day' and s.period_start >= b.start and s.period_start < b."end"), 0)
         + coalesce((select sum(e.cost_usd) from cost_events e
           where e.tenant_id = ${tenantId} and e.created_at > ${unrolledAfter}
             and e.occurred_at >= b.start and e.occurred_at < b."end"), 0))::text as "spentUsd"
      from bounds b`,
    ),
  );
  return row!;
}

export type MonthForecast = { spentUsd: string; forecastUsd: string; capUsd: string | null };

/** This month's spend so far, a straight-line forecast to the end of the month, and the cap. */
export async function getMonthForecast(tx: Transaction, tenantId: string): Promise<MonthForecast> {
  const spend = await getCurrentPeriodSpend(tx, tenantId, 'monthly');
  // At least one hour elapsed, so the first minutes of a month do not project wildly.
  const [row] = await executeRows<MonthForecast>(
    tx,
    sql`
    select ${spend.spentUsd}::numeric::text as "spentUsd",
      round(${spend.spentUsd}::numeric * extract(epoch from ${spend.periodEnd}::timestamptz - ${spend.periodStart}::timestamptz)
        / greatest(extract(epoch from now() - ${spend.periodStart}::timestamptz), 3600), 2)::text as "forecastUsd",
      (select monthly_spend_cap_usd::text from tenants where id = ${tenantId}) as "capUsd"`,
  );
  return row!;
}

/** The conversations that cost the most among those started in the range. */
export async function listMostExpensiveSessions(tx: Transaction, tenantId: string, range: CostRange, limit = 10) {
  return tx
    .select({ id: sessions.id, createdAt: sessions.createdAt, source: sessions.source, messageCount: sessions.messageCount, costUsd: sessions.costUsd })
    .from(sessions)
    .where(
      and(
        eq(sessions.tenantId, tenantId),
        gte(sessions.createdAt, sql`${range.from}::timestamptz`),
        lt(sessions.createdAt, sql`${range.to}::timestamptz`),
        sql`${sessions.costUsd} > 0`,
      ),
    )
    .orderBy(desc(sessions.costUsd), desc(sessions.id))
    .limit(limit);
}

export type CostEventExportRow = {
  id: string;
  occurredAt: string;
  service: string;
  provider: string;
  model: string | null;
  inputTokens: number | null;
  outputTokens: number | null;
  units: string | null;
  unit: string | null;
  costUsd: string;
  priceVersion: string;
  sessionId: string | null;
  externalId: string | null;
};

/** One page of raw events in a range, oldest first, continuing after `after` (keyset on occurred_at, id). */
export async function listCostEventsForExport(
  tx: Transaction,
  tenantId: string,
  range: CostRange,
  after: { occurredAt: string; id: string } | undefined,
  limit: number,
) {
  return executeRows<CostEventExportRow>(
    tx,
    sql`
    select id, to_char(occurred_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as "occurredAt", service, provider, model,
      input_tokens as "inputTokens", output_tokens as "outputTokens", units::text, unit, cost_usd::text as "costUsd",
      price_version as "priceVersion", session_id as "sessionId", external_id as "externalId"
    from cost_events
    where tenant_id = ${tenantId} and occurred_at >= ${range.from}::timestamptz and occurred_at < ${range.to}::timestamptz
      ${after ? sql`and (occurred_at, id) > (${after.occurredAt}::timestamptz, ${after.id}::uuid)` : sql``}
    order by occurred_at, id
    limit ${limit}`,
  );
}

export type UsageEvent = {
  id: string;
  externalId: string | null;
  service: CostService;
  provider: string;
  model: string | null;
  units: string | null;
  unit: string | null;
  costUsd: string;
  priceVersion: string;
  occurredAt: Date;
};

const usageEventColumns = {
  id: costEvents.id,
  externalId: costEvents.externalId,
  service: costEvents.service,
  provider: costEvents.provider,
  model: costEvents.model,
  units: costEvents.units,
  unit: costEvents.unit,
  costUsd: costEvents.costUsd,
  priceVersion: costEvents.priceVersion,
  occurredAt: costEvents.occurredAt,
};

export async function getCostEventByExternalId(tx: Transaction, tenantId: string, externalId: string): Promise<UsageEvent | undefined> {
  const [event] = await tx
    .select(usageEventColumns)
    .from(costEvents)
    .where(and(eq(costEvents.tenantId, tenantId), eq(costEvents.externalId, externalId)));
  return event;
}

/**
 * Whether a conversation id belongs to the tenant. Checked before attaching usage to it: the
 * plain foreign key from cost_events to sessions would accept another tenant's session.
 */
export async function isTenantSession(tx: Transaction, tenantId: string, sessionId: string): Promise<boolean> {
  const [row] = await tx.select({ id: sessions.id }).from(sessions).where(and(eq(sessions.tenantId, tenantId), eq(sessions.id, sessionId)));
  return !!row;
}
