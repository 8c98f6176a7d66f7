import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reviewSourceChange } from '@/app/dashboard/knowledge/sources/mutations';
import { closeDatabase, type Database, getDatabase } from '@/db/client';
import { listPendingChanges } from '@/db/queries/sources';
import { closeQueue } from '@/db/queue';
import { withTenantId } from '@/db/withTenant';
import { ingestDocument } from '@/lib/knowledge/ingest';
import { localEmbedder } from '@/lib/knowledge/embedders';
import { createTeam, type Team } from '../helpers/team';
import { article, startWebsite, type Website } from '../helpers/website';
import { addSource, chunksOf, documentsOf, pagesOf, syncNow } from './helpers';

// Change review: with review on, new and changed pages wait as pending (nothing indexed) until
// someone approves them; a rejected version is not proposed again.
describe('change review', () => {
  let db: Database;
  let team: Team;
  let site: Website;
  beforeAll(async () => {
    ({ db } = await getDatabase());
    team = await createTeam(db);
    site = await startWebsite();
    site.pages.set('/', { body: article('Policies', 'Our policies in one place.', ['/refunds']) });
    site.pages.set('/refunds', { body: article('Refunds', 'Refunds are paid within 14 days.') });
  });
  afterAll(async () => {
    await site.close();
    await closeQueue();
    await closeDatabase();
  });

  const pending = (sourceId: string) => withTenantId(team.tenantId, (tx) => listPendingChanges(tx, team.tenantId, sourceId));
  const approve = (changeId: string, decision: 'approve' | 'reject' = 'approve') =>
    reviewSourceChange.run({ userId: team.users.admin, tenantId: team.tenantId }, { changeId, decision });

  it('holds new and changed pages for review and indexes them once approved', async () => {
    const source = await addSource(team.tenantId, { kind: 'website', url: `${site.origin}/`, reviewChanges: true });
    await syncNow(team.tenantId, source.id);
    expect(await documentsOf(db, source.id)).toHaveLength(0);
    const waiting = await pending(source.id);
    expect(waiting.map((change) => change.kind)).toEqual(['new', 'new']);
    for (const change of waiting) expect(await approve(change.id)).toMatchObject({ status: 'success' });
    // Approval queues the indexing; run it here.
    for (const document of await documentsOf(db, source.id)) await ingestDocument(team.tenantId, document.id, localEmbedder);
    const refunds = (await documentsOf(db, source.id)).find((document) => document.sourceUrl!.endsWith('/refunds'))!;
    expect((await chunksOf(db, refunds.id)).some((chunk) => chunk.content.includes('14 days'))).toBe(true);

    // A change waits; the current text stays in use until it is approved.
    site.pages.set('/refunds', { body: article('Refunds', 'Refunds are paid within 30 days.') });
    await syncNow(team.tenantId, source.id);
    const [change] = await pending(source.id);
    expect(change).toMatchObject({ kind: 'changed', content: expect.stringContaining('30 days') });
    expect((await chunksOf(db, refunds.id)).some((chunk) => chunk.content.includes('14 days'))).toBe(true);
    // The same change found again by the next sync is one pending change, not two.
    await syncNow(team.tenantId, source.id);
    expect(await pending(source.id)).toHaveLength(1);

    // Rejected: the page keeps its version and the rejected text is not proposed again.
    expect(await approve(change!.id, 'reject')).toMatchObject({ status: 'success' });
    await syncNow(team.tenantId, source.id);
    expect(await pending(source.id)).toHaveLength(0);
    expect((await pagesOf(db, source.id)).get('/refunds')).toMatchObject({ status: 'active' });
    // Approving twice is refused.
    expect(await approve(change!.id)).toMatchObject({ status: 'error', code: 'conflict' });
  });
});
