// A worker process for the crash test: runs one sync against DATABASE_URL until it is killed.
import { localEmbedder } from '@/lib/knowledge/embedders';
import { runSync } from '@/lib/sources/sync';

const [tenantId, syncId] = process.argv.slice(2);
await runSync(tenantId!, syncId!, {
  embedder: localEmbedder,
  limits: { maxBytes: 1_048_576, timeoutMs: 60_000, maxRedirects: 3, allowedHosts: ['127.0.0.1:*'] },
  // One request at a time, so the page the test holds blocks the ones after it.
  hostConcurrency: 1,
  stalledSeconds: 120,
  heartbeatMs: 60_000,
});
process.exit(0);
