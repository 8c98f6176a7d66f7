// `npm run bench`: measures, prints numbers and ratios. Not a test: nothing here can fail a build.
// `npm run bench -- costs` (or scope, knowledge, lexical, quality, widget, sources, inbox, meetings, unanswered, voice) runs only the named sections.
import { spawnSync } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { eq, sql } from 'drizzle-orm';
import { openDatabase } from '../db/client';
import { seedDatabase } from '../db/seed';
import { sessions } from '../db/schema';
import { scopeToTenant } from '../db/withTenant';

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

async function measure(label: string, iterations: number, run: () => Promise<unknown>) {
  for (let i = 0; i < Math.min(50, iterations); i++) await run(); // warm-up
  const samples: number[] = [];
  const started = performance.now();
  for (let i = 0; i < iterations; i++) {
    const t0 = performance.now();
    await run();
    samples.push(performance.now() - t0);
  }
  const total = performance.now() - started;
  samples.sort((a, b) => a - b);
  const result = { label, opsPerSecond: (iterations / total) * 1000, p50: percentile(samples, 50), p95: percentile(samples, 95) };
  console.log(
    `${label.padEnd(52)} ${result.opsPerSecond.toFixed(0).padStart(7)} ops/s   p50 ${result.p50.toFixed(3)} ms   p95 ${result.p95.toFixed(3)} ms`,
  );
  return result;
}

async function benchTenantScope() {
  console.log('\n## Tenant scope overhead (embedded PGlite, seeded demo data)');
  const handle = await openDatabase({ driver: 'pglite', dataDir: 'memory://', autoMigrate: true });
  try {
    const { tenants } = await seedDatabase(handle.db);
    const tenantId = tenants[0]!.id;
    const query = (db: Pick<typeof handle.db, 'select'>) =>
      db.select({ n: sql<number>`count(*)::int` }).from(sessions).where(eq(sessions.tenantId, tenantId));
    const raw = await measure('count sessions, login role, no transaction', 2000, () => query(handle.db));
    const scoped = await measure('count sessions inside scopeToTenant (RLS)', 2000, () =>
      scopeToTenant(handle.db, tenantId, (tx) => query(tx)),
    );
    console.log(`withTenant costs ${(scoped.p50 / raw.p50).toFixed(2)}x the bare query at p50 ` +
      `(+${(scoped.p50 - raw.p50).toFixed(3)} ms: BEGIN, SET LOCAL ROLE, set_config, COMMIT).`);
  } finally {
    await handle.close();
  }
}

const SECTIONS = ['scope', 'costs', 'knowledge', 'lexical', 'quality', 'widget', 'sources', 'inbox', 'meetings', 'unanswered', 'voice'] as const;
const requested = process.argv.slice(2);
const unknown = requested.filter((name) => !(SECTIONS as readonly string[]).includes(name));
if (unknown.length) throw new Error(`Unknown bench section ${unknown.join(', ')}: choose from ${SECTIONS.join(', ')}.`);
const runs = (section: (typeof SECTIONS)[number]) => requested.length === 0 || requested.includes(section);

if (runs('scope')) await benchTenantScope();

if (runs('unanswered')) {
  const { benchGroupingTime, benchUnanswered } = await import('./unanswered');
  benchUnanswered();
  benchGroupingTime();
}

if (runs('costs')) {
  const { benchCosts } = await import('./costs');
  const handle = await openDatabase({ driver: 'pglite', dataDir: 'memory://', autoMigrate: true });
  try {
    await benchCosts(handle.db);
  } finally {
    await handle.close();
  }
}

// The other benchmarks reach the database through the process-wide client: in memory.
process.env.PGLITE_DATA_DIR = 'memory://';
process.env.DATABASE_URL = '';
// Widget visitor tokens are signed with a key derived from it (read once, on first use).
process.env.AUTH_SECRET ??= 'bench-only-secret-bench-only-secret-bench-only';
// Webhooks are verified with these (the bench signs them with the same SDK LiveKit uses).
const { LIVEKIT_TEST_KEY, LIVEKIT_TEST_SECRET } = await import('../tests/helpers/livekit-webhooks');
process.env.LIVEKIT_URL = 'http://127.0.0.1:9';
process.env.LIVEKIT_API_KEY = LIVEKIT_TEST_KEY;
process.env.LIVEKIT_API_SECRET = LIVEKIT_TEST_SECRET;
const { getDatabase, closeDatabase } = await import('../db/client');
if (runs('knowledge')) {
  const { benchIngestion, benchSearch, benchSearchOverWire, benchTimeToSearchable } = await import('./knowledge');
  const { closeQueue } = await import('../db/queue');
  const { db } = await getDatabase();
  await benchIngestion(db);
  await benchTimeToSearchable(db);
  // A fresh database for what follows, so no section measures another's leftovers.
  await closeQueue();
  await closeDatabase();
  // BENCH_KNOWLEDGE_SIZES=1000,10000 for a quicker run (50k chunks take most of the time).
  const sizes = process.env.BENCH_KNOWLEDGE_SIZES?.split(',').map(Number);
  await benchSearch(sizes);
  await benchSearchOverWire(sizes ? Math.min(...sizes) : undefined);
}
if (runs('lexical')) {
  const { benchLexical } = await import('./lexical');
  await benchLexical();
}
if (runs('quality')) {
  const { benchQuality } = await import('./quality');
  await benchQuality((await getDatabase()).db);
  await closeDatabase();
}
if (runs('widget')) {
  const { benchWidget } = await import('./widget');
  await benchWidget((await getDatabase()).db);
  await closeDatabase();
}
if (runs('sources')) {
  const { benchSources } = await import('./sources');
  await benchSources((await getDatabase()).db);
  await closeDatabase();
}
if (runs('inbox')) {
  const { benchInbox } = await import('./inbox');
  await benchInbox((await getDatabase()).db);
  await closeDatabase();
}
if (runs('meetings')) {
  const { benchMeetings } = await import('./meetings');
  await benchMeetings((await getDatabase()).db);
  // room_finished queues the meeting's summary job: the queue was started on the way.
  await (await import('../db/queue')).closeQueue();
  await closeDatabase();
}
if (runs('voice')) {
  // Its own process: it configures a model server, which every section above runs without.
  const child = spawnSync(process.execPath, [...process.execArgv, 'bench/voice.ts'], { stdio: 'inherit' });
  if (child.status !== 0) throw new Error(`The voice benchmark failed (exit ${child.status}).`);
}
