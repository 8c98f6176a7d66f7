import 'server-only';
import { deleteExpiredRateLimits, hitRateLimit, unhitRateLimit } from '@/db/queries/rate-limits';
import { type Transaction, withSystem } from '@/db/withTenant';

export type RateLimit = { limit: number; windowSeconds: number };
export type RateLimitCheck = RateLimit & { key: string };
export type RateLimitResult = { allowed: boolean; retryAfterSeconds: number };

/** Where limits read the time: tests move it instead of waiting for a window to pass. */
export const rateLimitClock = { now: (): Date => new Date() };

/**
 * Counts one hit against each key inside the caller's `withSystem` transaction (so a route
 * can resolve what it needs and count in one round trip). Allowed only when every key is
 * within its limit; otherwise retry after the latest of the exceeded windows.
 */
export async function countRateLimitHits(tx: Transaction, checks: readonly RateLimitCheck[]): Promise<RateLimitResult> {
  let result: RateLimitResult = { allowed: true, retryAfterSeconds: 0 };
  const now = rateLimitClock.now();
  for (const { key, limit, windowSeconds } of checks) {
    const { count, expiresAt } = await hitRateLimit(tx, key, windowSeconds, now);
    if (count > limit) {
      const retryAfterSeconds = Math.max(1, Math.ceil((expiresAt.getTime() - now.getTime()) / 1000));
      result = { allowed: false, retryAfterSeconds: Math.max(result.retryAfterSeconds, retryAfterSeconds) };
    }
  }
  // Expired windows are swept now and then by whoever passes, instead of by a scheduler.
  if (Math.random() < 0.01) await deleteExpiredRateLimits(tx, now);
  return result;
}

/** Counts a hit against `key`; counters live in Postgres so every app instance shares them. */
export async function consumeRateLimit(key: string, limit: RateLimit): Promise<RateLimitResult> {
  return withSystem((tx) => countRateLimitHits(tx, [{ key, ...limit }]));
}

/** Takes back a hit counted against `key` in its current window (an attempt that proved legitimate). */
export async function forgiveRateLimitHit(key: string, limit: RateLimit): Promise<void> {
  await withSystem((tx) => unhitRateLimit(tx, key, limit.windowSeconds, rateLimitClock.now()));
}

export { clientIp } from '@/lib/client-address';
