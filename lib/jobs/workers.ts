import 'server-only';
import { refreshKnowledgeStatistics } from '@/db/maintenance';
import { updateEvaluationSet, updateRun } from '@/db/queries/evaluation';
import { queueDocumentsWithStaleEmbeddings, updateDocument } from '@/db/queries/knowledge';
import {
  enqueueChunkIndexing,
  enqueueIngestion,
  type EvaluateRunJob,
  type GenerateQuestionsJob,
  getQueue,
  INDEX_SWEEP_SCHEDULE,
  type IndexChunksJob,
  type IngestDocumentJob,
  QUEUES,
  RECONCILE_SCHEDULE,
  ROLLUP_SCHEDULE,
  type SummarizeMeetingJob,
} from '@/db/queue';
import { tenants } from '@/db/schema';
import { withSystem, withTenantId } from '@/db/withTenant';
import { closeInterruptedReplies } from '@/lib/ai/engine';
import { rollUpCosts } from '@/lib/costs/rollup';
import { generateCandidateQuestions } from '@/lib/evaluation/generate';
import { executeRun } from '@/lib/evaluation/run';
import { configuredEmbedder } from '@/lib/knowledge/embedders';
import { INDEX_VERSION, ingestDocument } from '@/lib/knowledge/ingest';
import { indexTenantChunks, queuePendingChunkIndexing } from '@/lib/knowledge/vector-index';
import { recoverStalledWork, startSourceWorkers } from '@/lib/sources/jobs';
import { reconcileMeetings } from '@/lib/meetings/reconcile';
import { summarizeMeeting } from '@/lib/meetings/summary';

/**
 * When the embedding model changes (EMBEDDING_PROVIDER / EMBEDDING_MODEL), every ready
 * document embedded with another model is re-indexed, so search never mixes vector spaces
 * and nothing silently drops out of it; so is every document indexed by an older version of
 * the pipeline (INDEX_VERSION). Returns how many documents were queued.
 */
export async function reembedStaleDocuments(model = configuredEmbedder().model): Promise<number> {
  const tenantIds = await withSystem((tx) => tx.select({ id: tenants.id }).from(tenants));
  let queued = 0;
  for (const { id: tenantId } of tenantIds) {
    const documentIds = await withTenantId(tenantId, (tx) => queueDocumentsWithStaleEmbeddings(tx, tenantId, model, INDEX_VERSION));
    for (const documentId of documentIds) await enqueueIngestion({ tenantId, documentId });
    queued += documentIds.length;
  }
  return queued;
}

const STARTED = Symbol.for('assistant-platform.workers');
type GlobalWithWorkers = typeof globalThis & { [STARTED]?: boolean };

/** Registers this process as a worker for background jobs (once per process). */
export async function startWorkers(): Promise<void> {
  const store = globalThis as GlobalWithWorkers;
  if (store[STARTED]) return;
  store[STARTED] = true;
  const boss = await getQueue();
  await boss.work(
    QUEUES.ingestDocument,
    { includeMetadata: true, pollingIntervalSeconds: 1 },
    async ([job]) => {
      if (!job) return;
      const { tenantId, documentId } = job.data as IngestDocumentJob;
      try {
        const outcome = await ingestDocument(tenantId, documentId);
        // Searchable already (exactly); the graph catches up in the background.
        if (outcome.status === 'ready') await enqueueChunkIndexing(tenantId);
        await refreshKnowledgeStatistics().catch((error) => console.error('Could not refresh statistics', error));
      } catch (error) {
        console.error(`Ingestion of document ${documentId} failed (attempt ${job.retryCount + 1})`, error);
        const raw = error instanceof Error ? error.message : String(error);
        // Provider errors help the tenant; database internals do not belong in the UI.
        const message = raw.startsWith('Failed query') ? 'an internal database error' : raw.slice(0, 300);
        const lastAttempt = job.retryCount >= job.retryLimit;
        // Say what happened; the queue retries unless this was the last attempt.
        await withTenantId(tenantId, (tx) =>
          updateDocument(tx, tenantId, documentId, {
            status: lastAttempt ? 'failed' : 'queued',
            progress: 0,
            statusReason: lastAttempt
              ? `Indexing failed after ${job.retryCount + 1} attempts: ${message}`
              : `Temporary problem, retrying shortly: ${message}`,
          }),
        ).catch((recordError) => console.error('Could not record the ingestion failure', recordError));
        throw error;
      }
    },
  );
  await boss.work(QUEUES.indexChunks, { pollingIntervalSeconds: 2 }, async ([job]) => {
    if (!job) return;
    const { tenantId } = job.data as IndexChunksJob;
    if (!tenantId) {
      await queuePendingChunkIndexing();
      return;
    }
    // Time-boxed: what is left goes back in the queue, behind other tenants' work.
    const run = await indexTenantChunks(tenantId);
    if (!run.done) await enqueueChunkIndexing(tenantId);
  });
  // The sweep catches chunks whose job was lost (enqueueing failed, retries exhausted).
  await boss.schedule(QUEUES.indexChunks, INDEX_SWEEP_SCHEDULE, {} satisfies IndexChunksJob);
  await boss.send(QUEUES.indexChunks, {} satisfies IndexChunksJob);
  await boss.work(QUEUES.evaluateRun, { includeMetadata: true, pollingIntervalSeconds: 1 }, async ([job]) => {
    if (!job) return;
    const { tenantId, runId } = job.data as EvaluateRunJob;
    try {
      await executeRun(tenantId, runId);
    } catch (error) {
      console.error(`Evaluation run ${runId} failed (attempt ${job.retryCount + 1})`, error);
      // The queue retries (the run continues where it stopped); after the last attempt it is failed, not left running.
      if (job.retryCount >= job.retryLimit) {
        await withTenantId(tenantId, (tx) => updateRun(tx, tenantId, runId, { status: 'failed', error: 'The run stopped on an internal error. Start it again.', finishedAt: new Date() })).catch(
          (recordError) => console.error('Could not record the run failure', recordError),
        );
      }
      throw error;
    }
  });
  await boss.work(QUEUES.generateQuestions, { includeMetadata: true, pollingIntervalSeconds: 1 }, async ([job]) => {
    if (!job) return;
    const request = job.data as GenerateQuestionsJob;
    try {
      await generateCandidateQuestions(request);
    } catch (error) {
      console.error(`Question generation for set ${request.setId} failed (attempt ${job.retryCount + 1})`, error);
      if (job.retryCount >= job.retryLimit) {
        await withTenantId(request.tenantId, (tx) =>
          updateEvaluationSet(tx, request.tenantId, request.setId, {
            generation: { status: 'failed', requested: request.count, produced: 0, model: request.modelId, error: 'Stopped on an internal error. Try again.', updatedAt: new Date().toISOString() },
          }),
        ).catch((recordError) => console.error('Could not record the generation failure', recordError));
      }
      throw error;
    }
  });
  await boss.work(QUEUES.rollUpCosts, { pollingIntervalSeconds: 5 }, async () => {
    await rollUpCosts();
  });
  // Idempotent: every worker registers the same schedule; pg-boss creates one job per minute.
  await boss.schedule(QUEUES.rollUpCosts, ROLLUP_SCHEDULE);
  await startSourceWorkers(boss);
  await boss.work(QUEUES.reconcileMeetings, { pollingIntervalSeconds: 5 }, async () => {
    const result = await reconcileMeetings();
    if (result.closed || result.added || result.ended) console.log('Meetings reconciled', result);
  });
  await boss.schedule(QUEUES.reconcileMeetings, RECONCILE_SCHEDULE);
  await boss.work(QUEUES.summarizeMeeting, { pollingIntervalSeconds: 5 }, async ([job]) => {
    if (!job) return;
    const { tenantId, meetingId } = job.data as SummarizeMeetingJob;
    await summarizeMeeting(tenantId, meetingId);
  });
  const queued = await reembedStaleDocuments();
  if (queued) console.log(`Re-embedding ${queued} documents with the configured embedding model.`);
  const interrupted = await closeInterruptedReplies();
  if (interrupted) console.log(`Closed ${interrupted} replies interrupted by a previous shutdown.`);
  await recoverStalledWork().catch((error) => console.error('Could not recover stalled work', error));
}
