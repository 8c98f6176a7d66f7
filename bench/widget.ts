// Chat widget benchmarks, through the real public route handlers (called in process: no HTTP
// server, so the numbers are the app's work, not the network's), on embedded PGlite in memory,
// with no model configured (retrieval-only answers from the local lexical embedder).
import { performance } from 'node:perf_hooks';
import { gzipSync } from 'node:zlib';
import { and, eq, sql } from 'drizzle-orm';
import { POST as sendMessage } from '../app/api/widget/[widgetId]/messages/route';
import { POST as startSession } from '../app/api/widget/[widgetId]/sessions/route';
import type { Database } from '../db/client';
import { createPersonality } from '../db/queries/personalities';
import { createWidget } from '../db/queries/widgets';
import { messages, sessions, tenants } from '../db/schema';
import { scopeToSystem, scopeToTenant } from '../db/withTenant';
import { readReplyEvents } from '../lib/chat/protocol';
import { buildWidgetBundles } from '../lib/widget/build';
import type { StartedSession } from '../lib/widget/client/types';
import { corpusGenerator, loadChunks } from './knowledge';

const HOST = 'https://bench.example';
const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;

function frameRequest(widgetId: string, path: string, body: unknown, ip: string, token?: string) {
  return new Request(`http://app.bench/api/widget/${widgetId}/${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'sec-fetch-site': 'same-origin', 'x-forwarded-for': ip, ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });
}

async function startVisitor(widgetId: string, ip: string): Promise<StartedSession> {
  const response = await startSession(frameRequest(widgetId, 'sessions', { hostOrigin: HOST }, ip), { params: Promise.resolve({ widgetId }) });
  if (response.status !== 201) throw new Error(`session refused: ${response.status} ${await response.text()}`);
  return (await response.json()) as StartedSession;
}

async function benchSizes() {
  console.log('\n## Widget bundle sizes (gzipped; budgets: loader 3 KB, frame 40 KB)');
  const bundles = await buildWidgetBundles({ write: false });
  for (const [name, code] of Object.entries(bundles)) {
    console.log(`${name.padEnd(7)} ${String(code.length).padStart(6)} bytes minified, ${String(gzipSync(code).length).padStart(5)} bytes gzipped`);
  }
}

/** A tenant with `chunkCount` chunks of synthetic knowledge, a default personality and a widget allowed on HOST. */
async function widgetTenant(db: Database, chunkCount: number) {
  const [tenant] = await scopeToSystem(db, (tx) => tx.insert(tenants).values({ name: 'Widget bench', publishableKey: `pk_bench_widget_${Date.now()}` }).returning({ id: tenants.id }));
  const tenantId = tenant!.id;
  const generator = corpusGenerator(23);
  // Bulk load without the HNSW index, then build it once (as the search benchmark does).
  await db.execute(sql`drop index if exists knowledge_chunks_embedding_idx`);
  const contents = await loadChunks(db, tenantId, chunkCount, generator);
  await db.execute(sql`create index knowledge_chunks_embedding_idx on knowledge_chunks using hnsw (embedding vector_cosine_ops) with (m = 16, ef_construction = 64)`);
  await db.execute(sql`analyze`);
  const widget = await scopeToTenant(db, tenantId, async (tx) => {
    await createPersonality(tx, { tenantId, name: 'Bench', systemPrompt: 'Answer from the knowledge.', isDefault: true });
    return createWidget(tx, { tenantId, name: 'Bench widget', allowedOrigins: [HOST] });
  });
  // Questions: a few words of a random chunk, as a visitor would paraphrase it.
  const question = () => {
    const words = contents[Math.floor(generator.random() * contents.length)]!.split(' ');
    const start = Math.floor(generator.random() * Math.max(1, words.length - 6));
    return words.slice(start, start + 6).join(' ').replace(/\./g, '');
  };
  return { tenantId, widgetId: widget.id, question };
}

async function benchFirstByte(db: Database) {
  console.log('\n## Time to first streamed byte of a reply (retrieval-only, 10k chunks, POST /api/widget/:id/messages)');
  const { widgetId, question } = await widgetTenant(db, 10_000);
  const firstByte: number[] = [];
  const firstText: number[] = [];
  const complete: number[] = [];
  for (let i = 0; i < 120; i++) {
    // A new visitor every 10 messages keeps the per-session limit out of the measurement.
    const visitor = await startVisitor(widgetId, `10.0.${Math.floor(i / 10)}.1`);
    const t0 = performance.now();
    const response = await sendMessage(frameRequest(widgetId, 'messages', { content: question() }, `10.0.${Math.floor(i / 10)}.1`, visitor.token), { params: Promise.resolve({ widgetId }) });
    const reader = response.body!.getReader();
    await reader.read();
    const t1 = performance.now();
    reader.releaseLock();
    let t2 = 0;
    for await (const event of readReplyEvents(response.body!)) if (event.type === 'text' && !t2) t2 = performance.now();
    const t3 = performance.now();
    // The first few warm caches and the planner.
    if (i >= 20) {
      firstByte.push(t1 - t0);
      firstText.push(t2 - t0);
      complete.push(t3 - t0);
    }
  }
  for (const [label, samples] of [['first byte (start event)', firstByte], ['first answer text', firstText], ['whole reply stored and streamed', complete]] as const) {
    samples.sort((a, b) => a - b);
    console.log(`${label.padEnd(34)} p50 ${percentile(samples, 50).toFixed(1)} ms   p95 ${percentile(samples, 95).toFixed(1)} ms   p99 ${percentile(samples, 99).toFixed(1)} ms`);
  }
  return { widgetId, question };
}

async function benchLoad(db: Database, widgetId: string, question: () => string) {
  const VISITORS = 50;
  const MESSAGES = 10;
  console.log(`\n## Load: ${VISITORS} concurrent visitors × ${MESSAGES} messages (retrieval-only, 10k chunks)`);
  const latencies: number[] = [];
  const statuses = new Map<number, number>();
  let thrown = 0;
  const started = performance.now();
  const visitorIds = await Promise.all(
    Array.from({ length: VISITORS }, async (_, v) => {
      const ip = `172.16.${v}.1`;
      const visitor = await startVisitor(widgetId, ip);
      for (let m = 0; m < MESSAGES; m++) {
        const t0 = performance.now();
        try {
          const response = await sendMessage(frameRequest(widgetId, 'messages', { content: question() }, ip, visitor.token), { params: Promise.resolve({ widgetId }) });
          statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
          if (response.ok) for await (const _event of readReplyEvents(response.body!));
        } catch {
          thrown++;
        }
        latencies.push(performance.now() - t0);
      }
      return visitor.sessionId;
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  const [stored] = await db
    .select({
      user: sql<number>`count(*) filter (where ${messages.role} = 'user')::int`,
      complete: sql<number>`count(*) filter (where ${messages.role} = 'assistant' and ${messages.status} = 'complete')::int`,
    })
    .from(messages)
    .innerJoin(sessions, and(eq(sessions.tenantId, messages.tenantId), eq(sessions.id, messages.sessionId)))
    .where(sql`${sessions.id} in ${visitorIds}`);
  const sent = VISITORS * MESSAGES;
  const serverErrors = [...statuses].filter(([status]) => status >= 500).reduce((sum, [, n]) => sum + n, 0) + thrown;
  console.log(`${sent} messages in ${seconds.toFixed(1)} s: ${(sent / seconds).toFixed(1)} messages/s; whole-reply latency p50 ${percentile(latencies, 50).toFixed(0)} ms, p99 ${percentile(latencies, 99).toFixed(0)} ms`);
  console.log(`statuses ${JSON.stringify(Object.fromEntries(statuses))}; 5xx or thrown: ${serverErrors}`);
  console.log(`stored: ${stored!.user} visitor messages and ${stored!.complete} complete replies for ${sent} sent (${stored!.user === sent && stored!.complete === sent ? 'equal' : 'MISMATCH'})`);
}

export async function benchWidget(db: Database) {
  await benchSizes();
  const { widgetId, question } = await benchFirstByte(db);
  await benchLoad(db, widgetId, question);
}
