import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '@/db/client';
import { countPendingChunks } from '@/db/queries/knowledge';
import { scopeToTenant } from '@/db/withTenant';
import { exactNearestChunks, nearestChunks } from '@/lib/knowledge/vector-search';
import { createWireProtocolDatabase } from '../helpers/database';
import { createTeam } from '../helpers/team';
import { addVectorCorpus, expectSameNeighbours, queriesFrom, vectorRequest } from '../helpers/vector-corpus';

// A worker process dies in the middle of indexing: killed (SIGKILL) while a batch's graph
// insertions are done but its transaction is not committed, as a crash or an OOM kill would.
// The database is served over the wire protocol, so the worker is a separate process reaching
// it with postgres.js, as `npm run worker` does in production.
describe('a crash during background indexing', () => {
  let handle: Awaited<ReturnType<typeof createWireProtocolDatabase>>;
  let db: Database;
  let tenantId: string;
  let texts: string[];
  const CHUNKS = 120;

  const runWorker = (mode: 'crash' | 'resume'): { child: ChildProcess; lines: AsyncIterator<string> } => {
    const child = spawn(process.execPath, ['--conditions=react-server', '--import', 'tsx', 'tests/knowledge/vector-index-crash-worker.ts'], {
      env: { ...process.env, DATABASE_URL: handle.url, DATABASE_AUTO_MIGRATE: 'false', CRASH_TENANT_ID: tenantId, CRASH_MODE: mode },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    return { child, lines: createInterface({ input: child.stdout! })[Symbol.asyncIterator]() };
  };
  const pending = () => scopeToTenant(db, tenantId, (tx) => countPendingChunks(tx, tenantId));
  const expectEverythingFound = async () => {
    for (const text of texts) {
      const { union, exact } = await scopeToTenant(db, tenantId, async (tx) => ({
        union: await nearestChunks(tx, vectorRequest(tenantId, text), { exactBelow: 0 }),
        exact: await exactNearestChunks(tx, vectorRequest(tenantId, text)),
      }));
      expectSameNeighbours(union.candidates, exact);
    }
  };

  beforeAll(async () => {
    handle = await createWireProtocolDatabase();
    db = handle.db;
    tenantId = (await createTeam(db, 'Crash')).tenantId;
    texts = queriesFrom(await addVectorCorpus(db, tenantId, CHUNKS, 5), 8);
  });
  afterAll(async () => handle?.close());

  it('leaves every chunk searchable, loses only the batch in flight, and the job resumes', { timeout: 120_000 }, async () => {
    const { child, lines } = runWorker('crash');
    expect((await lines.next()).value).toBe('committed');
    expect((await lines.next()).value).toBe('in flight');
    child.kill('SIGKILL');
    await once(child, 'exit');

    // The two committed batches are in the graph; the one in flight rolled back with its connection.
    expect(await pending()).toBe(CHUNKS - 16);
    await expectEverythingFound();

    const resumed = runWorker('resume');
    expect(JSON.parse((await resumed.lines.next()).value)).toEqual({ indexed: CHUNKS - 16, done: true });
    await once(resumed.child, 'exit');
    expect(await pending()).toBe(0);
    await expectEverythingFound();
  });
});
