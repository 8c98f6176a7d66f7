import { afterAll, describe, expect, it } from 'vitest';
import { closeDatabase } from '@/db/client';
import { consumeRateLimit, rateLimitClock } from '@/lib/rate-limit';

describe('rate limits stored in Postgres', () => {
  afterAll(closeDatabase);

  it('allows up to the limit in a window, then refuses with the time left', async () => {
    const limit = { limit: 3, windowSeconds: 600 };
    const results = [];
    for (let i = 0; i < 5; i++) results.push(await consumeRateLimit('test:burst', limit));
    expect(results.map((r) => r.allowed)).toEqual([true, true, true, false, false]);
    expect(results[4]!.retryAfterSeconds).toBeGreaterThan(0);
    expect(results[4]!.retryAfterSeconds).toBeLessThanOrEqual(600);
    // Other keys are counted separately.
    expect((await consumeRateLimit('test:other', limit)).allowed).toBe(true);
  });

  it('counts concurrent hits exactly', async () => {
    const results = await Promise.all(Array.from({ length: 20 }, () => consumeRateLimit('test:concurrent', { limit: 10, windowSeconds: 600 })));
    expect(results.filter((r) => r.allowed)).toHaveLength(10);
  });

  it('starts again in a new window, without waiting for the wall clock', async () => {
    const windowStart = Date.UTC(2030, 0, 1, 12, 0, 0);
    const at = (offsetMs: number) => () => new Date(windowStart + offsetMs);
    const limit = { limit: 2, windowSeconds: 60 };
    try {
      rateLimitClock.now = at(0);
      expect((await consumeRateLimit('test:window', limit)).allowed).toBe(true);
      rateLimitClock.now = at(59_000);
      expect((await consumeRateLimit('test:window', limit)).allowed).toBe(true);
      const refused = await consumeRateLimit('test:window', limit);
      expect(refused).toEqual({ allowed: false, retryAfterSeconds: 1 });
      rateLimitClock.now = at(60_000);
      expect((await consumeRateLimit('test:window', limit)).allowed).toBe(true);
    } finally {
      rateLimitClock.now = () => new Date();
    }
  });
});
