import 'server-only';
import { and, eq, gt, lt, sql } from 'drizzle-orm';
import type { Transaction } from '../client';
import { rateLimits } from '../schema';

/**
 * Counts one hit against `key` in the fixed window holding `at` and returns the new count and
 * the window's end. One upsert, so concurrent requests on several app instances count exactly.
 */
const windowStartOf = (windowSeconds: number, at: Date) => {
  const epochSeconds = Math.floor(at.getTime() / 1000);
  return sql`to_timestamp(${epochSeconds - (epochSeconds % windowSeconds)})`;
};

export async function hitRateLimit(tx: Transaction, key: string, windowSeconds: number, at: Date) {
  const windowStart = windowStartOf(windowSeconds, at);
  const [row] = await tx
    .insert(rateLimits)
    .values({ key, windowStart, count: 1, expiresAt: sql`${windowStart} + make_interval(secs => ${windowSeconds})` })
    .onConflictDoUpdate({ target: [rateLimits.key, rateLimits.windowStart], set: { count: sql`${rateLimits.count} + 1` } })
    .returning({ count: rateLimits.count, expiresAt: rateLimits.expiresAt });
  return row!;
}

/** Takes back one hit counted against `key` in the window holding `at`. */
export async function unhitRateLimit(tx: Transaction, key: string, windowSeconds: number, at: Date) {
  await tx
    .update(rateLimits)
    .set({ count: sql`${rateLimits.count} - 1` })
    .where(and(eq(rateLimits.key, key), eq(rateLimits.windowStart, windowStartOf(windowSeconds, at)), gt(rateLimits.count, 0)));
}

export async function deleteExpiredRateLimits(tx: Transaction, at: Date) {
  await tx.delete(rateLimits).where(lt(rateLimits.expiresAt, at));
}
