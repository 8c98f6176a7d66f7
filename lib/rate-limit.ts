import 'server-only';
import { deleteExpiredRateLimits, hitRateLimit } from '@/db/queries/rate-limits';
import { type Transaction, withSystem } from '@/db/withTenant';

export type RateLimit = { limit: number; windowSeconds: number };
export type RateLimitCheck = RateLimit & { key: string };
export type RateLimitResult = { allowed: boolean; retryAfterSeconds: number };

/**
 * Counts one hit against each key inside the caller's `withSystem` transaction (so a route
 * can resolve what it needs and count in one round trip). Allowed only when every key is
 * within its limit; otherwise retry after the latest of the exceeded windows.
 */
export async function countRateLimitHits(tx: Transaction, checks: readonly RateLimitCheck[]): Promise<RateLimitResult> {
  let result: RateLimitResult = { allowed: true, retryAfterSeconds: 0 };
  for (const { key, limit, windowSeconds } of checks) {
    const { count, expiresAt } = await hitRateLimit(tx, key, windowSeconds);
    if (count > limit) {
      const retryAfterSeconds = Math.max(1, Math.ceil((expiresAt.getTime() - Date.now()) / 1000));
      result = { allowed: false, retryAfterSeconds: Math.max(result.retryAfterSeconds, retryAfterSeconds) };
    }
  }
  // Expired windows are swept now and then by whoever passes, instead of by a scheduler.
  if (Math.random() < 0.01) await deleteExpiredRateLimits(tx);
  return result;
}

/** Counts a hit against `key`; counters live in Postgres so every app instance shares them. */
export async function consumeRateLimit(key: string, limit: RateLimit): Promise<RateLimitResult> {
  return withSystem((tx) => countRateLimitHits(tx, [{ key, ...limit }]));
}

/** The client address as reported by the proxy in front of the app, for per-IP limits. */
export function clientIp(headers: Headers): string {
  const forwarded = headers.get('x-forwarded-for')?.split(',')[0]?.trim();
  return forwarded || headers.get('x-real-ip') || 'unknown';
}
