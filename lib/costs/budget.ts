import 'server-only';
import { and, eq, lte, sql } from 'drizzle-orm';
import { listEffectiveThresholds, raiseBudgetAlert } from '@/db/queries/budgets';
import { getCurrentPeriodSpend, type PeriodSpend } from '@/db/queries/costs';
import { getTenantById } from '@/db/queries/tenants';
import { type BudgetAlert, type BudgetPeriod, spendReservations } from '@/db/schema';
import { executeRows } from '@/db/sql';
import { DEFAULT_VISITOR_DAILY_SPEND_USD, DEFAULT_WIDGET_DAILY_SPEND_USD } from './fields';
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

/** A reservation outlives its call only when the process died; then it stops counting. */
const RESERVATION_TTL_MS = 10 * 60_000;

export type SpendScope = {
  tenantId: string;
  sessionId?: string;
  /** With the widget's own daily limits; absent for the playground and other member use. */
  widget?: { id: string; dailySpendCapUsd?: string; visitorDailySpendCapUsd?: string };
};

export type SpendRefusal = 'monthly_cap' | 'widget_daily_cap' | 'visitor_daily_cap';

export const SPEND_REFUSAL_MESSAGES: Record<SpendRefusal, string> = {
  monthly_cap: 'This assistant has reached its monthly budget and is paused until the budget is raised or the month ends.',
  widget_daily_cap: 'This chat has reached its spending limit for today. Please try again tomorrow.',
  visitor_daily_cap: 'You have reached today’s limit for this chat. Please try again tomorrow.',
};

/**
 * Which limit spending `amountUsd` more would break, counting what is spent and what calls in
 * flight have reserved; undefined when it fits. Call with the tenant row locked (reserveSpend)
 * for a decision that concurrent calls cannot race past; with 0 it is a cheap pre-check.
 */
async function spendRefusal(tx: Transaction, scope: SpendScope, amountUsd: string): Promise<SpendRefusal | undefined> {
  const { tenantId, sessionId, widget } = scope;
  const status = await getSpendCapStatus(tx, tenantId);
  const [row] = await executeRows<{ monthly: boolean; widgetDaily: boolean; visitorDaily: boolean }>(
    tx,
    sql`
    with held as (
      select coalesce(sum(amount_usd), 0) as total,
        coalesce(sum(amount_usd) filter (where widget_id = ${widget?.id ?? null}::uuid), 0) as widget,
        coalesce(sum(amount_usd) filter (where session_id = ${sessionId ?? null}::uuid), 0) as visitor
      from spend_reservations where tenant_id = ${tenantId} and expires_at > now()
    ), today as (
      select coalesce(sum(e.cost_usd) filter (where s.widget_id = ${widget?.id ?? null}::uuid), 0) as widget,
        coalesce(sum(e.cost_usd) filter (where e.session_id = ${sessionId ?? null}::uuid), 0) as visitor
      from cost_events e left join sessions s on s.tenant_id = e.tenant_id and s.id = e.session_id
      where e.tenant_id = ${tenantId} and e.occurred_at >= date_trunc('day', now(), 'UTC')
        and ${widget ? sql`s.widget_id = ${widget.id}` : sql`false`}
    )
    select
      ${status.capUsd}::numeric is not null and ${status.spentUsd}::numeric + held.total + ${amountUsd}::numeric > ${status.capUsd}::numeric as monthly,
      ${widget ? sql`today.widget + held.widget + ${amountUsd}::numeric > ${widget.dailySpendCapUsd ?? DEFAULT_WIDGET_DAILY_SPEND_USD}::numeric` : sql`false`} as "widgetDaily",
      ${widget && sessionId ? sql`today.visitor + held.visitor + ${amountUsd}::numeric > ${widget.visitorDailySpendCapUsd ?? DEFAULT_VISITOR_DAILY_SPEND_USD}::numeric` : sql`false`} as "visitorDaily"
    from held, today`,
  );
  if (row!.monthly || status.reached) return 'monthly_cap';
  if (row!.widgetDaily) return 'widget_daily_cap';
  if (row!.visitorDaily) return 'visitor_daily_cap';
  return undefined;
}

/** A cheap gate before any work: is any limit already reached? */
export async function checkSpendLimits(tx: Transaction, scope: SpendScope): Promise<SpendRefusal | undefined> {
  return spendRefusal(tx, scope, '0');
}

/**
 * Sets `amountUsd` aside for a call about to be made, or says which limit it would break.
 * The tenant row is locked for the decision, so concurrent calls queue instead of all passing.
 */
export async function reserveSpend(tx: Transaction, scope: SpendScope, amountUsd: string): Promise<{ reservationId: string } | { refused: SpendRefusal }> {
  await executeRows(tx, sql`select id from tenants where id = ${scope.tenantId} for update`);
  await tx.delete(spendReservations).where(and(eq(spendReservations.tenantId, scope.tenantId), lte(spendReservations.expiresAt, sql`now()`)));
  const refused = await spendRefusal(tx, scope, amountUsd);
  if (refused) return { refused };
  const [reservation] = await tx
    .insert(spendReservations)
    .values({
      tenantId: scope.tenantId,
      sessionId: scope.sessionId ?? null,
      widgetId: scope.widget?.id ?? null,
      amountUsd,
      expiresAt: new Date(Date.now() + RESERVATION_TTL_MS),
    })
    .returning({ id: spendReservations.id });
  return { reservationId: reservation!.id };
}

/** Releases a reservation once the call's real cost is recorded (in the same transaction). */
export async function settleReservation(tx: Transaction, tenantId: string, reservationId: string): Promise<void> {
  await tx.delete(spendReservations).where(and(eq(spendReservations.tenantId, tenantId), eq(spendReservations.id, reservationId)));
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
