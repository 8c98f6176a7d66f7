import 'server-only';
import { updateDocument } from '@/db/queries/knowledge';
import { getQueue, type IngestDocumentJob, QUEUES } from '@/db/queue';
import { withTenantId } from '@/db/withTenant';
import { ingestDocument } from '@/lib/knowledge/ingest';

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
        await ingestDocument(tenantId, documentId);
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
}
