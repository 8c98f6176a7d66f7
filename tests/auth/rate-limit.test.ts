import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { consumeRateLimit, rateLimitClock } from '@/lib/rate-limit';
import { type MultiConnectionDatabase, useMultiConnectionDatabase } from '../helpers/database';

describe('rate limits stored in Postgres', () => {
  // Hits go through postgres.js with a pool, so concurrent ones take different connections.
  let database: MultiConnectionDatabase;
  beforeAll(async () => {
    database = await useMultiConnectionDatabase();
  });
  afterAll(async () => database?.close());

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

  // One upsert per hit; PGlite runs one transaction at a time (tests/db/multi-connection.test.ts),
  // so overlapping transactions are not exercised here.
  it('counts hits arriving at once on several connections exactly', async () => {
    const { result: results, connections } = await database.connectionsUsedDuring(() =>
      Promise.all(Array.from({ length: 20 }, () => consumeRateLimit('test:concurrent', { limit: 10, windowSeconds: 600 }))),
    );
    expect(connections).toBeGreaterThan(1);
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
