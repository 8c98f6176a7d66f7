import { z } from 'zod';
import type { CostGrouping, CostRange } from '@/db/queries/costs';

// The costs page and its CSV export read the same query string: ?from=YYYY-MM-DD&to=YYYY-MM-DD
// (both inclusive, UTC days) &group=day|week|month. Anything invalid falls back to the last 30 days.

const DAY_MS = 86_400_000;
export const MAX_RANGE_DAYS = 366;
export const COST_GROUPINGS = ['day', 'week', 'month'] as const satisfies readonly CostGrouping[];

const isoDay = (date: Date) => date.toISOString().slice(0, 10);
const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/).refine((value) => !Number.isNaN(Date.parse(`${value}T00:00:00Z`)));

export type CostQuery = { from: string; to: string; grouping: CostGrouping; range: CostRange; days: number };

/** The last `days` days up to today (UTC), as from/to days. */
export function lastDays(days: number, today = new Date()): { from: string; to: string } {
  return { from: isoDay(new Date(today.getTime() - (days - 1) * DAY_MS)), to: isoDay(today) };
}

export function parseCostQuery(params: Record<string, string | string[] | undefined>, today = new Date()): CostQuery {
  const single = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value);
  const grouping = z.enum(COST_GROUPINGS).catch('day').parse(single(params.group));
  const fallback = lastDays(30, today);
  let from = day.safeParse(single(params.from)).data ?? fallback.from;
  let to = day.safeParse(single(params.to)).data ?? fallback.to;
  if (from > to) [from, to] = [to, from];
  const start = Date.parse(`${from}T00:00:00Z`);
  let end = Date.parse(`${to}T00:00:00Z`) + DAY_MS;
  if (end - start > MAX_RANGE_DAYS * DAY_MS) {
    end = start + MAX_RANGE_DAYS * DAY_MS;
    to = isoDay(new Date(end - DAY_MS));
  }
  return { from, to, grouping, range: { from: new Date(start).toISOString(), to: new Date(end).toISOString() }, days: (end - start) / DAY_MS };
}
