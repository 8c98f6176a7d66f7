import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { vector } from '@electric-sql/pglite-pgvector';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeDatabase, type Database, getDatabase } from '@/db/client';
import { createSync, getSync } from '@/db/queries/sources';
import { closeQueue } from '@/db/queue';
import { sourcePages } from '@/db/schema';
import { withTenantId } from '@/db/withTenant';
import { runSync } from '@/lib/sources/sync';
import { createTeam } from '../helpers/team';
import { article, startWebsite, type Website } from '../helpers/website';
import { addSource, chunksOf, documentsOf, testRuntime } from './helpers';

// A worker process is killed (SIGKILL, no cleanup) in the middle of a sync. Another worker
// takes the sync over once its heartbeat is stale and finishes it: pages done before the crash
// are not fetched again, and every page ends with exactly one document and one set of chunks.
// The database is shared over the PostgreSQL wire protocol, as between real worker processes.
describe('a sync whose worker dies', () => {
  let pglite: PGlite;
  let server: PGLiteSocketServer;
  let db: Database;
  let site: Website;
  let worker: ChildProcess | undefined;

  beforeAll(async () => {
    pglite = await PGlite.create({ dataDir: 'memory://', extensions: { vector } });
    server = new PGLiteSocketServer({ db: pglite, host: '127.0.0.1', port: 0, maxConnections: 8 });
    await server.start();
    process.env.DATABASE_URL = `postgres://postgres:postgres@${server.getServerConn()}/postgres?sslmode=disable`;
    process.env.DATABASE_POOL_SIZE = '3';
    ({ db } = await getDatabase());
    site = await startWebsite();
    const links = Array.from({ length: 6 }, (_, i) => `/p/${i + 1}`);
    site.pages.set('/', { body: article('Catalogue', 'Every product of the catalogue is listed here.', links) });
    for (const link of links) site.pages.set(link, { body: article(`Product ${link}`, `Product ${link} is calibrated before it ships, and comes with manual ${link}.`) });
    site.pages.get('/p/4')!.hold = true;
  });
  afterAll(async () => {
    if (worker?.pid && worker.exitCode === null && worker.signalCode === null) process.kill(-worker.pid, 'SIGKILL');
    await site.close();
    await closeQueue();
    await closeDatabase();
    await server.stop();
    await pglite.close();
  });

  it('resumes on another worker with exactly one set of chunks per page', { timeout: 120_000 }, async () => {
    const { tenantId } = await createTeam(db);
    const source = await addSource(tenantId, { kind: 'website', url: `${site.origin}/` });
    const sync = (await withTenantId(tenantId, (tx) => createSync(tx, { tenantId, sourceId: source.id, trigger: 'manual' })))!;

    const held = site.waitForRequest('/p/4');
    worker = spawn(process.execPath, [path.resolve('node_modules/tsx/dist/cli.mjs'), '--conditions=react-server', 'tests/sources/sync-worker.ts', tenantId, sync.id], {
      env: { ...process.env, NODE_ENV: 'test' },
      detached: true,
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    await held;
    // One request at a time: the pages fetched before the held one are finished (indexed and
    // recorded) before the crash.
    const before = site.requests.map((request) => request.path).filter((path) => path !== '/robots.txt' && path !== '/p/4');
    // In a transaction: the wire-protocol server keeps concurrent transactions apart, not bare statements.
    const finished = async () => (await db.transaction((tx) => tx.select().from(sourcePages).where(eq(sourcePages.checkedInSync, sync.id)))).length;
    for (let i = 0; i < 300 && (await finished()) < before.length; i++) await new Promise((resolve) => setTimeout(resolve, 200));
    expect(await finished()).toBe(before.length);
    expect(before.length).toBeGreaterThanOrEqual(2);
    process.kill(-worker.pid!, 'SIGKILL');
    await new Promise((resolve) => worker!.once('exit', resolve));

    const stuck = await withTenantId(tenantId, (tx) => getSync(tx, tenantId, sync.id));
    expect(stuck).toMatchObject({ status: 'running', attempts: 1 });
    // A live worker is never robbed: the sync is only taken over once its heartbeat is stale.
    expect(await runSync(tenantId, sync.id, testRuntime({ stalledSeconds: 60 }))).toEqual({ status: 'skipped' });
    await new Promise((resolve) => setTimeout(resolve, 1500));
    site.pages.get('/p/4')!.hold = false;
    const outcome = await runSync(tenantId, sync.id, testRuntime({ stalledSeconds: 1 }));
    expect(outcome).toMatchObject({ status: 'done', sync: { attempts: 2, pagesNew: 7, pagesDone: 7 } });

    // Finished pages were not fetched again; the page caught mid-crash was.
    for (const path of ['/', '/p/1', '/p/2', '/p/3', '/p/5', '/p/6']) expect(site.hits(path), path).toBe(1);
    expect(site.hits('/p/4')).toBe(2);
    const documents = await documentsOf(db, source.id);
    expect(documents.map((document) => new URL(document.sourceUrl!).pathname).sort()).toEqual(['/', '/p/1', '/p/2', '/p/3', '/p/4', '/p/5', '/p/6']);
    for (const document of documents) {
      const chunks = await chunksOf(db, document.id);
      expect(chunks.length).toBe(document.chunkCount);
      expect(new Set(chunks.map((chunk) => chunk.position)).size).toBe(chunks.length);
      expect(document.status).toBe('ready');
    }
  });
});
