import 'server-only';
import { sql } from 'drizzle-orm';
import type { PgBoss } from 'pg-boss';
import { updateDocument } from '@/db/queries/knowledge';
import { claimScheduledOccurrence, createSync, finishSync, getSource, getSync } from '@/db/queries/sources';
import {
  enqueueChunkIndexing,
  enqueueIngestion,
  enqueueSourceSync,
  getQueue,
  QUEUES,
  RECOVERY_SCHEDULE,
  type ScheduledSourceSyncJob,
  type SyncSourceJob,
} from '@/db/queue';
import type { Source } from '@/db/schema';
import { executeRows } from '@/db/sql';
import { withSystem, withTenantId } from '@/db/withTenant';
import { nextRun, occurrenceAt } from './schedule';
import { defaultSyncRuntime, runSync, SYNC_STALLED_SECONDS, type SyncRuntime } from './sync';

// The queue side of sources: one pg-boss schedule per source (keyed by the source id, so every
// worker registering it leaves one row), the sync jobs themselves, and a sweep that notices
// work whose worker died and puts it back on the queue.

/** A sync taken up this many times (crashes, stalls) without finishing is failed for a person to look at. */
export const SYNC_MAX_ATTEMPTS = 4;

/** A document "processing" without progress for this long lost its worker (the ingestion job's own expiry). */
export const DOCUMENT_STALLED_SECONDS = 15 * 60;

/** Work still queued after this long has lost its job (the enqueue after commit failed): it is sent again. */
export const QUEUED_TOO_LONG_SECONDS = 10 * 60;

/** Creates, moves or removes the pg-boss schedule behind a source's re-sync setting. */
export async function applySourceSchedule(source: Pick<Source, 'id' | 'tenantId' | 'cron'>, boss?: PgBoss): Promise<void> {
  const queue = boss ?? (await getQueue());
  if (source.cron) {
    const job: ScheduledSourceSyncJob = { tenantId: source.tenantId, sourceId: source.id };
    await queue.schedule(QUEUES.scheduledSourceSync, source.cron, job, { key: source.id, tz: 'UTC' });
  } else {
    await queue.unschedule(QUEUES.scheduledSourceSync, source.id);
  }
}

export type ScheduledOutcome = { status: 'started'; syncId: string } | { status: 'already-claimed' | 'busy' | 'unscheduled' };

/**
 * A schedule fired. The occurrence it belongs to is claimed on the source row, so when several
 * workers (or a retried job) fire the same occurrence, exactly one sync starts.
 */
export async function startScheduledSync(job: ScheduledSourceSyncJob, now = new Date()): Promise<ScheduledOutcome> {
  const outcome = await withTenantId(job.tenantId, async (tx): Promise<ScheduledOutcome> => {
    const source = await getSource(tx, job.tenantId, job.sourceId);
    if (!source?.cron || source.schedule === 'off') return { status: 'unscheduled' };
    const occurrence = occurrenceAt(source.cron, now);
    if (!(await claimScheduledOccurrence(tx, job.tenantId, source.id, occurrence, nextRun(source.cron, now)))) return { status: 'already-claimed' };
    const sync = await createSync(tx, { tenantId: job.tenantId, sourceId: source.id, trigger: 'schedule' });
    return sync ? { status: 'started', syncId: sync.id } : { status: 'busy' };
  });
  if (outcome.status === 'started') await enqueueSourceSync({ tenantId: job.tenantId, syncId: outcome.syncId });
  return outcome;
}

/** Works one sync job; unexpected errors are recorded on the sync and thrown so the queue retries. */
export async function workSyncJob(job: { data: SyncSourceJob; retryCount: number; retryLimit: number }, runtime: SyncRuntime = defaultSyncRuntime()) {
  const { tenantId, syncId } = job.data;
  try {
    const outcome = await runSync(tenantId, syncId, runtime);
    // The pages it indexed are searchable exactly already; the graph catches up in the background.
    await enqueueChunkIndexing(tenantId);
    return outcome;
  } catch (error) {
    const raw = error instanceof Error ? error.message : String(error);
    const message = raw.startsWith('Failed query') ? 'an internal database error' : raw.slice(0, 300);
    const lastAttempt = job.retryCount >= job.retryLimit;
    await withTenantId(tenantId, (tx) =>
      finishSync(tx, tenantId, syncId, {
        status: lastAttempt ? 'failed' : 'queued',
        statusReason: lastAttempt ? `Sync failed after ${job.retryCount + 1} attempts: ${message}` : `Temporary problem, retrying shortly: ${message}`,
      }),
    ).catch((recordError) => console.error('Could not record the sync failure', recordError));
    throw error;
  }
}

export type RecoveryReport = { syncsResumed: number; syncsFailed: number; syncsRequeued: number; documentsRequeued: number };

/**
 * Puts stalled work back on the queue: a running sync whose heartbeat stopped (its worker
 * died) resumes from its frontier, up to SYNC_MAX_ATTEMPTS; a document stuck "processing" is
 * indexed again; anything queued too long is sent again. Runs every minute and at worker start.
 */
export async function recoverStalledWork(
  thresholds: { stalledSeconds: number; documentStalledSeconds: number; queuedSeconds: number } = {
    stalledSeconds: SYNC_STALLED_SECONDS,
    documentStalledSeconds: DOCUMENT_STALLED_SECONDS,
    queuedSeconds: QUEUED_TOO_LONG_SECONDS,
  },
): Promise<RecoveryReport> {
  const report: RecoveryReport = { syncsResumed: 0, syncsFailed: 0, syncsRequeued: 0, documentsRequeued: 0 };
  const stalled = await withSystem((tx) =>
    executeRows<{ kind: 'sync' | 'document'; tenant_id: string; id: string }>(
      tx,
      sql`select kind, tenant_id, id from app_stalled_work(make_interval(secs => ${thresholds.stalledSeconds}),
          make_interval(secs => ${thresholds.documentStalledSeconds}), make_interval(secs => ${thresholds.queuedSeconds}))`,
    ),
  );
  for (const item of stalled) {
    const tenantId = item.tenant_id;
    if (item.kind === 'sync') {
      const action = await withTenantId(tenantId, async (tx) => {
        const sync = await getSync(tx, tenantId, item.id);
        if (!sync || (sync.status !== 'running' && sync.status !== 'queued')) return 'none';
        if (sync.status === 'queued') return 'requeue';
        if (sync.attempts >= SYNC_MAX_ATTEMPTS) {
          await finishSync(tx, tenantId, sync.id, { status: 'failed', statusReason: `The sync stopped responding ${sync.attempts} times, so it was stopped. Retry it once the cause is fixed.` });
          return 'failed';
        }
        await finishSync(tx, tenantId, sync.id, { status: 'queued', statusReason: 'The worker stopped responding; the sync resumes where it stopped.' });
        return 'resume';
      });
      if (action === 'failed') report.syncsFailed++;
      if (action === 'resume' || action === 'requeue') {
        await enqueueSourceSync({ tenantId, syncId: item.id });
        if (action === 'resume') report.syncsResumed++;
        else report.syncsRequeued++;
      }
    } else {
      await withTenantId(tenantId, (tx) => updateDocument(tx, tenantId, item.id, { status: 'queued', statusReason: 'Indexing stopped responding; retrying.' }));
      await enqueueIngestion({ tenantId, documentId: item.id });
      report.documentsRequeued++;
    }
  }
  return report;
}

/** Registers this process as a worker for source syncs, their schedules and the stalled-work sweep. */
export async function startSourceWorkers(boss: PgBoss): Promise<void> {
  await boss.work(QUEUES.syncSource, { includeMetadata: true, pollingIntervalSeconds: 1 }, async ([job]) => {
    if (job) await workSyncJob({ data: job.data as SyncSourceJob, retryCount: job.retryCount, retryLimit: job.retryLimit });
  });
  await boss.work<ScheduledSourceSyncJob>(QUEUES.scheduledSourceSync, { pollingIntervalSeconds: 5 }, async ([job]) => {
    if (job) await startScheduledSync(job.data);
  });
  await boss.work(QUEUES.recoverStalledWork, { pollingIntervalSeconds: 5 }, async () => {
    const report = await recoverStalledWork();
    if (Object.values(report).some(Boolean)) console.log('Recovered stalled work', report);
  });
  // Idempotent: every worker registers the same schedule; pg-boss sends one job per minute.
  await boss.schedule(QUEUES.recoverStalledWork, RECOVERY_SCHEDULE);
}
