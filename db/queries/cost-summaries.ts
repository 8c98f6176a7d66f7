import 'server-only';
import { type SQL, sql } from 'drizzle-orm';
import type { Transaction } from '../client';
import { executeRows } from '../sql';

// Incremental rollup of cost events into daily and monthly cost_summaries. A run recomputes
// whole periods (never adds to them), so it is safe to repeat, and it recomputes every period
// touched by events created since the previous watermark, so late events (an agent reporting
// yesterday's usage today) land in the right day and month.

/**
 * Events are rolled up to a few seconds ago rather than to now, so a transaction still in
 * flight (its created_at is its start time) does not commit behind the watermark.
 */
export const ROLLUP_SETTLE_SECONDS = 5;
/**
 * Each run also re-checks events created this long before the previous watermark: a
 * transaction that was still open past the settle delay is caught on the next run.
 */
const ROLLUP_OVERLAP = sql`interval '10 minutes'`;

export type RollupResult = { events: number; days: number; months: number };

/** Rolls up one tenant's new cost events (run inside that tenant's scope). */
export async function rollUpTenantCosts(tx: Transaction, tenantId: string, settleSeconds = ROLLUP_SETTLE_SECONDS): Promise<RollupResult> {
  const [bounds] = await executeRows<{ since: string; upTo: string }>(
    tx,
    sql`with previous as (select (select rolled_up_to from cost_rollup_watermarks where tenant_id = ${tenantId}) as at)
        select coalesce(at - ${ROLLUP_OVERLAP}, '-infinity')::text as "since",
          -- Never backwards: periods not recomputed now already hold everything up to the old mark.
          greatest(now() - make_interval(secs => ${settleSeconds}), at)::text as "upTo"
        from previous`,
  );
  const { since, upTo } = bounds!;
  // Enough memory to group a first run over months of events without spilling to disk.
  await tx.execute(sql`set local work_mem = '64MB'`);
  // Periods are UTC calendar days and months. Each period's end is computed here and the CTE is
  // materialized: under row-level security a bound like date_add(...) inlined into the join is
  // not leakproof, so it could not bound the index scan, and each period would read to the end
  // of the index (24 s instead of 1.3 s for 300k events).
  const touched = (unit: 'day' | 'month') => sql`
    select start, date_add(start, ${`1 ${unit}`}::interval, 'UTC') as "end" from (
      select distinct date_trunc(${unit}, occurred_at, 'UTC') as start from cost_events
      where tenant_id = ${tenantId} and created_at > ${since}::timestamptz and created_at <= ${upTo}::timestamptz
    ) periods`;

  const days = await executeRows<{ events: number }>(
    tx,
    sql`
    with touched as materialized (${touched('day')}),
    grouped as (
      select t.start, t."end", e.service, e.provider, e.model, sum(e.cost_usd) as cost, count(*)::int as events
      from touched t
      join cost_events e on e.tenant_id = ${tenantId} and e.occurred_at >= t.start and e.occurred_at < t."end"
      where e.created_at <= ${upTo}::timestamptz
      group by 1, 2, 3, 4, 5
    ),
    services as (select start, service, sum(cost) as cost from grouped group by 1, 2)
    insert into cost_summaries as s (tenant_id, granularity, period_start, period_end, total_cost_usd, breakdown, by_model, event_count)
    select ${tenantId}, 'day', g.start, g."end", sum(g.cost),
      (select jsonb_object_agg(v.service, v.cost::text) from services v where v.start = g.start),
      jsonb_agg(jsonb_build_object('service', g.service, 'provider', g.provider, 'model', g.model, 'costUsd', g.cost::text, 'events', g.events) order by g.cost desc),
      sum(g.events)
    from grouped g group by g.start, g."end"
    on conflict (tenant_id, granularity, period_start) do update set
      period_end = excluded.period_end, total_cost_usd = excluded.total_cost_usd, breakdown = excluded.breakdown,
      by_model = excluded.by_model, event_count = excluded.event_count, updated_at = now()
    returning s.event_count as events`,
  );

  // Months are summed from their (just recomputed) days, not from the raw events.
  const months = await executeRows<{ start: string }>(
    tx,
    sql`
    with touched as materialized (${touched('month')}),
    days as (
      select t.start, t."end", s.total_cost_usd, s.event_count, s.breakdown, s.by_model
      from touched t
      join cost_summaries s on s.tenant_id = ${tenantId} and s.granularity = 'day'
        and s.period_start >= t.start and s.period_start < t."end"
    ),
    services as (select d.start, b.key as service, sum(b.value::numeric) as cost from days d, jsonb_each_text(d.breakdown) b group by 1, 2),
    models as (
      select d.start, m->>'service' as service, m->>'provider' as provider, m->>'model' as model,
        sum((m->>'costUsd')::numeric) as cost, sum((m->>'events')::int)::int as events
      from days d, jsonb_array_elements(d.by_model) m group by 1, 2, 3, 4
    )
    insert into cost_summaries as s (tenant_id, granularity, period_start, period_end, total_cost_usd, breakdown, by_model, event_count)
    select ${tenantId}, 'month', d.start, d."end", sum(d.total_cost_usd),
      (select jsonb_object_agg(v.service, v.cost::text) from services v where v.start = d.start),
      (select jsonb_agg(jsonb_build_object('service', m.service, 'provider', m.provider, 'model', m.model, 'costUsd', m.cost::text, 'events', m.events) order by m.cost desc)
        from models m where m.start = d.start),
      sum(d.event_count)
    from days d group by d.start, d."end"
    on conflict (tenant_id, granularity, period_start) do update set
      period_end = excluded.period_end, total_cost_usd = excluded.total_cost_usd, breakdown = excluded.breakdown,
      by_model = excluded.by_model, event_count = excluded.event_count, updated_at = now()
    returning s.period_start::text as start`,
  );

  await tx.execute(sql`
    insert into cost_rollup_watermarks (tenant_id, rolled_up_to) values (${tenantId}, ${upTo}::timestamptz)
    on conflict (tenant_id) do update set rolled_up_to = excluded.rolled_up_to, updated_at = now()`);

  return { events: days.reduce((sum, day) => sum + day.events, 0), days: days.length, months: months.length };
}

async function watermarkOf(tx: Transaction, tenantId: string): Promise<string> {
  const [row] = await executeRows<{ at: string }>(
    tx,
    sql`select coalesce((select rolled_up_to from cost_rollup_watermarks where tenant_id = ${tenantId}), '-infinity')::text as at`,
  );
  return row!.at;
}

/**
 * Runs a reader of summaries + unrolled events with the tenant's watermark: `unrolledAfter` is
 * the condition on cost_events.created_at that picks the events not yet in cost_summaries. The
 * watermark goes in as a value, not a subquery, so the planner sees how few events follow it and
 * reads them through the created_at index. Read again if a rollup committed meanwhile, so an
 * event is never counted both in a summary and as unrolled.
 */
export async function readWithWatermark<T>(tx: Transaction, tenantId: string, read: (unrolledAfter: SQL) => Promise<T>): Promise<T> {
  for (;;) {
    const watermark = await watermarkOf(tx, tenantId);
    const result = await read(sql`${watermark}::timestamptz`);
    if ((await watermarkOf(tx, tenantId)) === watermark) return result;
  }
}
