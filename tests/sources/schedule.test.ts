import { and, eq } from 'drizzle-orm';
import { fromPglite, PgBoss } from 'pg-boss';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeDatabase, type Database, getDatabase } from '@/db/client';
import { finishSync, updateSource } from '@/db/queries/sources';
import { closeQueue, getQueue, QUEUES } from '@/db/queue';
import { sourceSyncs } from '@/db/schema';
import { withTenantId } from '@/db/withTenant';
import { applySourceSchedule, startScheduledSync } from '@/lib/sources/jobs';
import { cronFor, cronProblem, nextRun, occurrenceAt } from '@/lib/sources/schedule';
import { createTeam } from '../helpers/team';
import { addSource } from './helpers';

// Schedules: one pg-boss schedule per source whoever registers it, and one sync per occurrence
// however many workers fire it.
describe('scheduled re-sync', () => {
  let db: Database;
  let workerA: PgBoss;
  let workerB: PgBoss;

  beforeAll(async () => {
    const handle = await getDatabase();
    db = handle.db;
    workerA = await getQueue();
    // A second worker on the same database, as a second app instance would be.
    workerB = new PgBoss({ db: fromPglite((handle.queue as { pglite: never }).pglite), backend: 'pglite' });
    await workerB.start();
  });
  afterAll(async () => {
    await workerB.stop({ graceful: false });
    await closeQueue();
    await closeDatabase();
  });

  it('turns presets into UTC cron expressions spread by source, and refuses custom ones that run too often', () => {
    const daily = cronFor('daily', '0a1b2c3d-0000-4000-8000-000000000000')!;
    expect(daily).toMatch(/^\d{1,2} \d{1,2} \* \* \*$/);
    expect(cronFor('daily', 'ffffffff-0000-4000-8000-000000000000')).not.toBe(daily);
    expect(cronFor('weekly', '0a1b2c3d-0000-4000-8000-000000000000')).toMatch(/^\d{1,2} \d{1,2} \* \* [0-6]$/);
    expect(cronFor('off', '0a1b2c3d-0000-4000-8000-000000000000')).toBeNull();
    expect(cronProblem('0 6 * * 1-5')).toBeUndefined();
    expect(cronProblem('*/5 * * * *')).toMatch(/at most once every 60 minutes/);
    expect(cronProblem('0 6 * *')).toMatch(/five fields/);
    expect(cronProblem('61 6 * * *')).toMatch(/not a valid/);
    expect(nextRun('30 4 * * *', new Date('2026-05-01T05:00:00Z')).toISOString()).toBe('2026-05-02T04:30:00.000Z');
    expect(occurrenceAt('30 4 * * *', new Date('2026-05-01T05:00:00Z')).toISOString()).toBe('2026-05-01T04:30:00.000Z');
  });

  it('keeps one pg-boss schedule per source when every worker registers it', async () => {
    const { tenantId } = await createTeam(db);
    const source = await addSource(tenantId, { kind: 'website', url: 'https://example.com/', schedule: 'daily' });
    const cron = cronFor('daily', source.id)!;
    await withTenantId(tenantId, (tx) => updateSource(tx, tenantId, source.id, { cron }));
    await applySourceSchedule({ ...source, cron }, workerA);
    await applySourceSchedule({ ...source, cron }, workerB);
    const schedules = (await workerA.getSchedules(QUEUES.scheduledSourceSync)).filter((schedule) => schedule.key === source.id);
    expect(schedules).toHaveLength(1);
    expect(schedules[0]).toMatchObject({ cron, timezone: 'UTC', data: { tenantId, sourceId: source.id } });
    await applySourceSchedule({ ...source, cron: null }, workerB);
    expect((await workerA.getSchedules(QUEUES.scheduledSourceSync)).filter((schedule) => schedule.key === source.id)).toHaveLength(0);
  });

  it('syncs a daily source once per day, with two workers firing its schedule', async () => {
    const { tenantId } = await createTeam(db);
    const source = await addSource(tenantId, { kind: 'website', url: 'https://example.com/', schedule: 'daily', cron: '0 3 * * *' });
    const job = { tenantId, sourceId: source.id };
    const scheduledSyncs = () =>
      db.select().from(sourceSyncs).where(and(eq(sourceSyncs.sourceId, source.id), eq(sourceSyncs.trigger, 'schedule')));
    const outcomes: string[] = [];
    for (const day of ['2026-06-01', '2026-06-02', '2026-06-03']) {
      // Both workers fire the occurrence at once, then each fires again later the same day
      // (a retried job, a late cron pass): one sync that day.
      const results = await Promise.all([
        startScheduledSync(job, new Date(`${day}T03:00:00.200Z`)),
        startScheduledSync(job, new Date(`${day}T03:00:00.900Z`)),
      ]);
      results.push(await startScheduledSync(job, new Date(`${day}T09:00:00Z`)));
      outcomes.push(...results.map((result) => result.status));
      // The day's sync finishes before the next day's occurrence.
      const open = (await scheduledSyncs()).filter((sync) => sync.status === 'queued');
      for (const sync of open) await withTenantId(tenantId, (tx) => finishSync(tx, tenantId, sync.id, { status: 'done', statusReason: null }));
    }
    expect(outcomes.filter((status) => status === 'started')).toHaveLength(3);
    expect(outcomes.filter((status) => status === 'already-claimed')).toHaveLength(6);
    expect(await scheduledSyncs()).toHaveLength(3);
  });
});
