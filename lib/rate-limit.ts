import 'server-only';
import { deleteExpiredRateLimits, hitRateLimit } from '@/db/queries/rate-limits';
import { withSystem } from '@/db/withTenant';

export type RateLimit = { limit: number; windowSeconds: number };
export type RateLimitResult = { allowed: boolean; retryAfterSeconds: number };

/** Counts a hit against `key`; counters live in Postgres so every app instance shares them. */
export async function consumeRateLimit(key: string, { limit, windowSeconds }: RateLimit): Promise<RateLimitResult> {
  return withSystem(async (tx) => {
    const { count, expiresAt } = await hitRateLimit(tx, key, windowSeconds);
    // Expired windows are swept now and then by whoever passes, instead of by a scheduler.
    if (Math.random() < 0.01) await deleteExpiredRateLimits(tx);
    return {
      allowed: count <= limit,
      retryAfterSeconds: Math.max(1, Math.ceil((expiresAt.getTime() - Date.now()) / 1000)),
    };
  });
}

/** The client address as reported by the proxy in front of the app, for per-IP limits. */
export function clientIp(headers: Headers): string {
  const forwarded = headers.get('x-forwarded-for')?.split(',')[0]?.trim();
  return forwarded || headers.get('x-real-ip') || 'unknown';
}
