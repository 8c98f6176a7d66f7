// Costs benchmarks on the embedded database (PGlite, in memory): the costs page's queries over
// a 90-day range with 1 million cost events in one tenant, and rollup throughput.
import { performance } from 'node:perf_hooks';
import { sql } from 'drizzle-orm';
import type { Database } from '../db/client';
import { rollUpTenantCosts } from '../db/queries/cost-summaries';
import { tenants } from '../db/schema';
import { executeRows } from '../db/sql';
import { scopeToSystem, scopeToTenant } from '../db/withTenant';
import { loadCostsPage } from '../lib/costs/page-data';
import { lastDays, parseCostQuery } from '../lib/costs/range';

// COSTS_BENCH_EVENTS / COSTS_BENCH_SESSIONS shrink the data set for a quick look.
const EVENTS = Number(process.env.COSTS_BENCH_EVENTS ?? 1_000_000);
const SESSIONS = Number(process.env.COSTS_BENCH_SESSIONS ?? 100_000);
const HISTORY_DAYS = 120;

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
const seconds = (since: number) => (performance.now() - since) / 1000;

/** Inserts `count` events spread over the last `days` days, in SQL (generate_series), created when they occurred. */
async function insertEvents(db: Database, tenantId: string, count: number, days: number, createdNow = false) {
  // Services in the proportions of a chat product: mostly model calls and query embeddings.
  await db.execute(sql`
    with ids as (select array_agg(id) as ids from sessions where tenant_id = ${tenantId}),
    raw as (
      select i, now() - (random() * ${days}) * interval '1 day' as at, (i % 10) as k, 1 + (random() * 1500)::int as q from generate_series(1, ${count}) i
    )
    insert into cost_events (tenant_id, session_id, service, provider, model, input_tokens, output_tokens, units, unit, cost_usd, price_version, occurred_at, created_at)
    select ${tenantId},
      case when k < 8 then ids[1 + (i % ${SESSIONS})] end,
      (array['llm','llm','llm','llm','embedding','embedding','llm','embedding','voice_stt','vision'])[k + 1],
      (array['openai','openai','anthropic','openai','openai','voyage','anthropic','openai','deepgram','openai'])[k + 1],
      (array['gpt-4o-mini','gpt-4o','claude-sonnet-4-5','gpt-4o-mini','text-embedding-3-small','voyage-3.5','claude-haiku-4-5','text-embedding-3-small','nova-3','gpt-4o-mini-vision'])[k + 1],
      case when k < 8 then q end, case when k in (0, 1, 2, 3, 6) then q / 5 end,
      q, case when k = 8 then 'minutes' when k = 9 then 'images' else 'tokens' end,
      round(q * 0.0000013, 8), '2026-11-01', at, ${createdNow ? sql`now()` : sql`at`}
    from raw, ids`);
}

export async function benchCosts(db: Database) {
  console.log(`\n## Costs (embedded PGlite, ${EVENTS.toLocaleString('en-US')} cost events in one tenant)`);
  const [tenant] = await scopeToSystem(db, (tx) =>
    tx.insert(tenants).values({ name: 'costs', publishableKey: `pk_bench_costs_${Date.now()}`, monthlySpendCapUsd: '5000.00' }).returning({ id: tenants.id }),
  );
  const tenantId = tenant!.id;

  let started = performance.now();
  await db.execute(sql`
    insert into sessions (tenant_id, source, message_count, cost_usd, created_at)
    select ${tenantId}, 'widget', 2 + (i % 7), round((random() * 0.05)::numeric, 8), now() - (random() * ${HISTORY_DAYS}) * interval '1 day'
    from generate_series(1, ${SESSIONS}) i`);
  await insertEvents(db, tenantId, EVENTS, HISTORY_DAYS);
  // PGlite has no autovacuum: refresh planner statistics after a bulk load, as a server would.
  for (const table of ['cost_events', 'sessions']) await db.execute(sql.raw(`analyze ${table}`));
  console.log(`inserted ${SESSIONS.toLocaleString('en-US')} sessions and ${EVENTS.toLocaleString('en-US')} events in ${seconds(started).toFixed(1)} s (generate_series)`);

  started = performance.now();
  const full = await scopeToTenant(db, tenantId, (tx) => rollUpTenantCosts(tx, tenantId, 0));
  const fullSeconds = seconds(started);
  console.log(`first rollup: ${full.events.toLocaleString('en-US')} events into ${full.days} days and ${full.months} months in ${fullSeconds.toFixed(2)} s ` +
    `= ${Math.round(full.events / fullSeconds).toLocaleString('en-US')} events/s`);

  // Late and new events: 10k created now, occurring anywhere in the last 30 days.
  await insertEvents(db, tenantId, 10_000, 30, true);
  started = performance.now();
  const incremental = await scopeToTenant(db, tenantId, (tx) => rollUpTenantCosts(tx, tenantId, 0));
  const incrementalSeconds = seconds(started);
  console.log(`incremental rollup: 10,000 new events touching ${incremental.days} days (${incremental.events.toLocaleString('en-US')} events re-summed) ` +
    `in ${(incrementalSeconds * 1000).toFixed(0)} ms`);
  started = performance.now();
  await scopeToTenant(db, tenantId, (tx) => rollUpTenantCosts(tx, tenantId, 0));
  console.log(`rollup re-run within the overlap window: ${((performance.now() - started)).toFixed(0)} ms`);
  await db.execute(sql`update cost_events set created_at = created_at - interval '1 hour' where tenant_id = ${tenantId} and created_at > now() - interval '1 hour'`);
  started = performance.now();
  await scopeToTenant(db, tenantId, (tx) => rollUpTenantCosts(tx, tenantId, 0));
  console.log(`rollup with nothing new: ${((performance.now() - started)).toFixed(1)} ms`);
  await db.execute(sql`analyze cost_summaries`);

  // 500 events not rolled up yet (the last minute's traffic), which every page read adds live.
  await insertEvents(db, tenantId, 500, 1, true);
  for (const grouping of ['day', 'week', 'month'] as const) {
    const query = parseCostQuery({ ...lastDays(90), group: grouping });
    const samples: number[] = [];
    for (let i = 0; i < 25; i++) {
      const t0 = performance.now();
      await scopeToTenant(db, tenantId, (tx) => loadCostsPage(tx, tenantId, query));
      if (i >= 5) samples.push(performance.now() - t0);
    }
    samples.sort((a, b) => a - b);
    console.log(`costs page data, 90 days by ${grouping.padEnd(5)} (7 queries, one transaction): p50 ${percentile(samples, 50).toFixed(1)} ms, p95 ${percentile(samples, 95).toFixed(1)} ms`);
  }
  const [check] = await executeRows<{ events: number }>(db, sql`select count(*)::int as events from cost_events where tenant_id = ${tenantId}`);
  console.log(`(${check!.events.toLocaleString('en-US')} events in the tenant)`);
}
