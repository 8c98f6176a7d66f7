import { CronExpressionParser } from 'cron-parser';
import type { SourceSchedule } from '@/db/schema';

// When a source re-syncs. Presets become cron expressions (UTC) spread over the day by the
// source's id, so a thousand daily sources do not all start at midnight; a custom expression
// is checked here and refused if it would run more often than MIN_CRON_INTERVAL_MINUTES.

/** A custom schedule may not fire more often than this: a sync is a crawl of someone's site. */
export const MIN_CRON_INTERVAL_MINUTES = 60;

function spread(sourceId: string): { minute: number; hour: number; weekday: number } {
  const n = Number.parseInt(sourceId.replace(/-/g, '').slice(0, 8), 16);
  return { minute: n % 60, hour: Math.floor(n / 60) % 24, weekday: Math.floor(n / 1440) % 7 };
}

/** The cron expression behind a schedule, or null for `off`. */
export function cronFor(schedule: SourceSchedule, sourceId: string, custom?: string | null): string | null {
  const { minute, hour, weekday } = spread(sourceId);
  switch (schedule) {
    case 'off':
      return null;
    case 'daily':
      return `${minute} ${hour} * * *`;
    case 'weekly':
      return `${minute} ${hour} * * ${weekday}`;
    case 'cron':
      return custom?.trim() || null;
  }
}

/** A reason the expression cannot be used, or undefined when it can. */
export function cronProblem(expression: string): string | undefined {
  const fields = expression.trim().split(/\s+/);
  if (fields.length !== 5) return 'Use five fields: minute hour day-of-month month day-of-week (UTC), e.g. "0 6 * * 1-5".';
  let next: Date[];
  try {
    const parsed = CronExpressionParser.parse(expression, { tz: 'UTC', currentDate: new Date('2030-01-01T00:00:00Z') });
    next = parsed.take(3).map((date) => date.toDate());
  } catch {
    return 'That is not a valid cron expression.';
  }
  const gap = Math.min(next[1]!.getTime() - next[0]!.getTime(), next[2]!.getTime() - next[1]!.getTime());
  if (gap < MIN_CRON_INTERVAL_MINUTES * 60_000) return `Syncs can run at most once every ${MIN_CRON_INTERVAL_MINUTES} minutes.`;
  return undefined;
}

/** The next time the expression fires after `after`. */
export function nextRun(cron: string, after = new Date()): Date {
  return CronExpressionParser.parse(cron, { tz: 'UTC', currentDate: after }).next().toDate();
}

/** The occurrence a run at `at` belongs to: the latest firing time at or before it. */
export function occurrenceAt(cron: string, at = new Date()): Date {
  // One second of slack: a job sent exactly on the occurrence belongs to it.
  return CronExpressionParser.parse(cron, { tz: 'UTC', currentDate: new Date(at.getTime() + 1000) }).prev().toDate();
}
