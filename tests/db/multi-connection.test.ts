import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withSystem } from '@/db/withTenant';
import { type MultiConnectionDatabase, queryRows, useMultiConnectionDatabase } from '../helpers/database';

// What a test on useMultiConnectionDatabase() can and cannot prove.
describe('the multi-connection test database', () => {
  let database: MultiConnectionDatabase;
  beforeAll(async () => {
    database = await useMultiConnectionDatabase({ connections: 4 });
  });
  afterAll(async () => database?.close());

  it('serves concurrent requests on several connections of a postgres.js pool', async () => {
    const { result: users, connections } = await database.connectionsUsedDuring(() =>
      Promise.all(Array.from({ length: 8 }, () => withSystem(async (tx) => queryRows<{ name: string }>(tx, sql`select current_user as name`)))),
    );
    expect(users.flat().map((row) => row.name)).toEqual(Array(8).fill('app_system'));
    expect(connections).toBe(4);
  });

  it('runs one transaction at a time: a second waits for the first to end (PGlite has one backend)', async () => {
    const events: string[] = [];
    let releaseFirst!: () => void;
    const firstHolds = new Promise<void>((resolve) => (releaseFirst = resolve));
    const first = withSystem(async (tx) => {
      await tx.execute(sql`select 1`);
      events.push('first began');
      await firstHolds;
      events.push('first ends');
    });
    await expect.poll(() => events.length).toBe(1);
    const second = withSystem(async (tx) => {
      await tx.execute(sql`select 1`);
      events.push('second ran a statement');
    });
    // Given time, the second transaction still has not run a statement while the first is open.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(events).toEqual(['first began']);
    releaseFirst();
    await Promise.all([first, second]);
    expect(events).toEqual(['first began', 'first ends', 'second ran a statement']);
  });
});
