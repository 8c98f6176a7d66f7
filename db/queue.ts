import 'server-only';
import { fromPglite, PgBoss } from 'pg-boss';
import { getDatabase } from './client';
import { processSingleton } from './process-singleton';

// The background job queue: pg-boss on the same PostgreSQL as the data (its own `pgboss`
// schema). On the embedded database it goes through pg-boss's PGlite adapter, whose calls
// queue behind the app's transactions on the single connection instead of interleaving.

export const QUEUES = {
  ingestDocument: 'ingest-document',
  rollUpCosts: 'roll-up-costs',
  syncSource: 'sync-source',
  // One pg-boss schedule per source (keyed by its id) sends here; the handler starts a sync.
  scheduledSourceSync: 'scheduled-source-sync',
  recoverStalledWork: 'recover-stalled-work',
  reconcileMeetings: 'reconcile-meetings',
  summarizeMeeting: 'summarize-meeting',
  indexChunks: 'index-chunks',
  evaluateRun: 'evaluate-run',
  generateQuestions: 'generate-evaluation-questions',
} as const;

/** Cost rollups and budget alerts run every minute (pg-boss cron, one job per minute across instances). */
export const ROLLUP_SCHEDULE = '* * * * *';

/** Lost meeting webhooks are looked for every minute. */
export const RECONCILE_SCHEDULE = '* * * * *';

/** Every few minutes, a sweep queues the indexing of any tenant whose chunks wait for the graph. */
export const INDEX_SWEEP_SCHEDULE = '*/5 * * * *';

export type IngestDocumentJob = { tenantId: string; documentId: string };
export type SyncSourceJob = { tenantId: string; syncId: string };
export type ScheduledSourceSyncJob = { tenantId: string; sourceId: string };

/** The sweep for stalled syncs and documents runs every minute (one job per minute across instances). */
export const RECOVERY_SCHEDULE = '* * * * *';

export type SummarizeMeetingJob = { tenantId: string; meetingId: string };

/** One tenant's pending chunks into the HNSW graph; without a tenant, the sweep over all tenants. */
export type IndexChunksJob = { tenantId?: string };

export type EvaluateRunJob = { tenantId: string; runId: string };
export type GenerateQuestionsJob = { tenantId: string; setId: string; count: number; modelId: string };

async function startQueue(): Promise<PgBoss> {
  const { queue } = await getDatabase();
  const boss =
    'pglite' in queue
      ? new PgBoss({ db: fromPglite(queue.pglite), backend: 'pglite' })
      : new PgBoss({ connectionString: queue.url, max: 4 });
  boss.on('error', (error) => console.error('Job queue error', error));
  await boss.start();
  if (!(await boss.getQueue(QUEUES.ingestDocument))) {
    // Retried with backoff; a job whose worker died is picked up again after it expires.
    await boss.createQueue(QUEUES.ingestDocument, {
      retryLimit: 4,
      retryDelay: 5,
      retryBackoff: true,
      expireInSeconds: 15 * 60,
    });
  }
  if (!(await boss.getQueue(QUEUES.rollUpCosts))) {
    // At most one run queued and one active: a slow run never piles up a backlog.
    await boss.createQueue(QUEUES.rollUpCosts, { policy: 'stately', retryLimit: 2, retryDelay: 30, expireInSeconds: 10 * 60 });
  }
  if (!(await boss.getQueue(QUEUES.syncSource))) {
    // A long crawl beats a heartbeat; the stalled-work sweep, not expiry, notices a dead worker
    // and a resumed sync continues where it stopped.
    await boss.createQueue(QUEUES.syncSource, { retryLimit: 3, retryDelay: 30, retryBackoff: true, expireInSeconds: 4 * 60 * 60 });
  }
  if (!(await boss.getQueue(QUEUES.scheduledSourceSync))) {
    await boss.createQueue(QUEUES.scheduledSourceSync, { retryLimit: 2, retryDelay: 30, expireInSeconds: 5 * 60 });
  }
  if (!(await boss.getQueue(QUEUES.recoverStalledWork))) {
    await boss.createQueue(QUEUES.recoverStalledWork, { policy: 'stately', retryLimit: 1, expireInSeconds: 5 * 60 });
  }
  if (!(await boss.getQueue(QUEUES.reconcileMeetings))) {
    await boss.createQueue(QUEUES.reconcileMeetings, { policy: 'stately', retryLimit: 2, retryDelay: 30, expireInSeconds: 10 * 60 });
  }
  if (!(await boss.getQueue(QUEUES.summarizeMeeting))) {
    await boss.createQueue(QUEUES.summarizeMeeting, { retryLimit: 3, retryDelay: 30, retryBackoff: true, expireInSeconds: 10 * 60 });
  }
  if (!(await boss.getQueue(QUEUES.indexChunks))) {
    // Per tenant (singletonKey) at most one job queued and one active: new chunks arriving
    // while a tenant is being indexed queue exactly one follow-up. A run is time-boxed far
    // below the expiry, so a worker that died is noticed and its job retried.
    await boss.createQueue(QUEUES.indexChunks, { policy: 'stately', retryLimit: 4, retryDelay: 10, retryBackoff: true, expireInSeconds: 5 * 60 });
  }
  if (!(await boss.getQueue(QUEUES.evaluateRun))) {
    // A run continues where it stopped (finished questions are kept), so a retry after a
    // crash or an expired job only does the rest. Long sets take a while: an hour before expiry.
    await boss.createQueue(QUEUES.evaluateRun, { retryLimit: 2, retryDelay: 30, expireInSeconds: 60 * 60 });
  }
  if (!(await boss.getQueue(QUEUES.generateQuestions))) {
    await boss.createQueue(QUEUES.generateQuestions, { retryLimit: 1, retryDelay: 30, expireInSeconds: 15 * 60 });
  }
  return boss;
}

const queue = processSingleton('queue', startQueue, (boss) => boss.stop({ graceful: true, timeout: 10_000 }));

/** The process's queue client, started on first use (a failed start is retried next time). */
export const getQueue = queue.get;
export const closeQueue = queue.close;

export async function enqueueIngestion(job: IngestDocumentJob): Promise<void> {
  const boss = await getQueue();
  // One pending job per document: re-indexing twice in a row indexes once.
  await boss.send(QUEUES.ingestDocument, job, { singletonKey: job.documentId });
}

export async function enqueueSourceSync(job: SyncSourceJob): Promise<void> {
  const boss = await getQueue();
  await boss.send(QUEUES.syncSource, job, { singletonKey: job.syncId });
}

/**
 * Summarises a meeting once its room has finished; the delay lets the assistant store its
 * last words first. One pending job per meeting.
 */
export async function enqueueMeetingSummary(job: SummarizeMeetingJob, delaySeconds = 30): Promise<void> {
  const boss = await getQueue();
  await boss.send(QUEUES.summarizeMeeting, job, { singletonKey: job.meetingId, startAfter: delaySeconds });
}

/** Queues the background job that adds a tenant's new chunks to the HNSW graph. */
export async function enqueueChunkIndexing(tenantId: string): Promise<void> {
  const boss = await getQueue();
  await boss.send(QUEUES.indexChunks, { tenantId } satisfies IndexChunksJob, { singletonKey: tenantId });
}

export async function enqueueEvaluationRun(job: EvaluateRunJob): Promise<void> {
  const boss = await getQueue();
  await boss.send(QUEUES.evaluateRun, job, { singletonKey: job.runId });
}

export async function enqueueQuestionGeneration(job: GenerateQuestionsJob): Promise<void> {
  const boss = await getQueue();
  // One generation at a time per test set.
  await boss.send(QUEUES.generateQuestions, job, { singletonKey: job.setId });
}
