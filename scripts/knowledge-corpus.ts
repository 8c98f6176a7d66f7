// `npm run corpus`: a robustness run of the ingestion pipeline over the real-world documents in
// ../shared/corpora/documents (not part of this repository). Every file must end ready or
// failed with a reason a person understands; none may crash or hang the worker.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { createDocument } from '../db/queries/knowledge';
import { tenants } from '../db/schema';
import { scopeToSystem, scopeToTenant } from '../db/withTenant';
import { localEmbedder } from '../lib/knowledge/embedders';
import { detectType, ExtractionError, mimeTypeOf } from '../lib/knowledge/extract';
import { defaultTitle, ingestDocument } from '../lib/knowledge/ingest';

const CORPUS = path.resolve(process.cwd(), '../shared/corpora/documents');
const PER_FILE_TIMEOUT_MS = 120_000;

if (!existsSync(CORPUS)) {
  console.log(`Skipped: no corpus at ${CORPUS} (it lives in the shared folder beside the repository).`);
  process.exit(0);
}

const walk = (dir: string): string[] =>
  readdirSync(dir).flatMap((name) => (statSync(path.join(dir, name)).isDirectory() ? walk(path.join(dir, name)) : [path.join(dir, name)]));
const files = walk(CORPUS).filter((file) => !/(PROVENANCE\.txt|LICENSE[^/]*)$/.test(file));

// The pipeline reaches the database through the process-wide client: point it at memory.
process.env.PGLITE_DATA_DIR = 'memory://';
process.env.DATABASE_URL = '';
const { getDatabase } = await import('../db/client');
const { db } = await getDatabase();
const [tenant] = await scopeToSystem(db, (tx) => tx.insert(tenants).values({ name: 'Corpus', publishableKey: 'pk_corpus' }).returning());
const tenantId = tenant!.id;

const counts = { ready: 0, failed: 0, rejectedAtUpload: 0, crashed: 0, hung: 0 };
const reasons = new Map<string, number>();
const timings: Array<{ file: string; ms: number; chunks: number }> = [];
const started = performance.now();

for (const file of files) {
  const name = path.relative(CORPUS, file);
  const bytes = readFileSync(file);
  let mimeType: string;
  try {
    if (bytes.length === 0) throw new ExtractionError('The file is empty.');
    mimeType = mimeTypeOf(detectType(bytes, name));
  } catch (error) {
    if (!(error instanceof ExtractionError)) throw error;
    counts.rejectedAtUpload++;
    reasons.set(error.message, (reasons.get(error.message) ?? 0) + 1);
    continue;
  }
  const document = await scopeToTenant(db, tenantId, (tx) =>
    createDocument(tx, { tenantId, title: defaultTitle(path.basename(name)), sourceType: 'upload', fileName: path.basename(name), mimeType, sizeBytes: bytes.length }, bytes),
  );
  const t0 = performance.now();
  try {
    const outcome = await Promise.race([
      ingestDocument(tenantId, document.id, localEmbedder),
      new Promise<never>((_, reject) => setTimeout(() => reject(new Error('hung')), PER_FILE_TIMEOUT_MS)),
    ]);
    if (outcome.status === 'ready') {
      counts.ready++;
      timings.push({ file: name, ms: performance.now() - t0, chunks: outcome.chunks });
    } else if (outcome.status === 'failed') {
      counts.failed++;
      reasons.set(outcome.reason, (reasons.get(outcome.reason) ?? 0) + 1);
    }
  } catch (error) {
    if ((error as Error).message === 'hung') counts.hung++;
    else counts.crashed++;
    console.log(`  ${name}: ${(error as Error).message}`);
  }
}

console.log(`\n${files.length} files in ${((performance.now() - started) / 1000).toFixed(1)} s`);
console.log(`  ready: ${counts.ready}`);
console.log(`  failed with a reason: ${counts.failed}`);
console.log(`  refused at upload with a reason: ${counts.rejectedAtUpload}`);
console.log(`  crashed: ${counts.crashed}, hung: ${counts.hung}`);
console.log('\nReasons given:');
for (const [reason, count] of [...reasons].sort((a, b) => b[1] - a[1])) console.log(`  ${count} × ${reason}`);
console.log('\nSlowest ready files:');
for (const { file, ms, chunks } of timings.sort((a, b) => b.ms - a.ms).slice(0, 5)) console.log(`  ${(ms / 1000).toFixed(1)} s  ${chunks} chunks  ${file}`);
process.exitCode = counts.crashed + counts.hung > 0 ? 1 : 0;
