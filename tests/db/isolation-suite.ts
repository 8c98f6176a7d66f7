import { randomUUID } from 'node:crypto';
import { eq, sql } from 'drizzle-orm';
import type { AnyPgColumn, PgTable } from 'drizzle-orm/pg-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database, DatabaseHandle } from '@/db/client';
import * as schema from '@/db/schema';
import { countPendingChunks, indexPendingChunks } from '@/db/queries/knowledge';
import { scopeToTenant } from '@/db/withTenant';
import { nearestChunks } from '@/lib/knowledge/vector-search';
import { expectSqlState, queryRows } from '../helpers/database';

// The isolation matrix, run against every tenant-scoped table and through each driver.
// The table list comes from the catalog, so a new tenant-scoped table without a fixture
// here fails the suite instead of going untested.

type Parents = {
  tenantId: string;
  sessionId: string;
  documentId: string;
  sourceId: string;
  meetingId: string;
  personalityId: string;
  evaluationSetId: string;
  evaluationRunId: string;
};

type Fixture = {
  table: PgTable & { tenantId: AnyPgColumn };
  // Builds a new row for the tenant; may create prerequisites as the login role.
  row: (db: Database, parents: Parents) => Promise<Record<string, unknown>>;
};

const unique = () => randomUUID().slice(0, 8);

const FIXTURES: Record<string, Fixture> = {
  memberships: {
    table: schema.memberships,
    row: async (db, p) => {
      const [user] = await db
        .insert(schema.users)
        .values({ email: `member-${unique()}@example.com` })
        .returning({ id: schema.users.id });
      return { tenantId: p.tenantId, userId: user!.id, role: 'member' };
    },
  },
  invitations: {
    table: schema.invitations,
    row: async (_db, p) => ({
      tenantId: p.tenantId,
      email: `invitee-${unique()}@example.com`,
      tokenHash: `hash-${unique()}`,
      expiresAt: new Date(Date.now() + 86_400_000),
    }),
  },
  api_keys: {
    table: schema.apiKeys,
    row: async (_db, p) => ({ tenantId: p.tenantId, name: 'CI', prefix: 'sk_live_ab', keyHash: `hash-${unique()}` }),
  },
  ai_personalities: {
    table: schema.aiPersonalities,
    row: async (_db, p) => ({ tenantId: p.tenantId, name: `Persona ${unique()}`, systemPrompt: 'Be helpful.' }),
  },
  personality_versions: {
    table: schema.personalityVersions,
    row: async (_db, p) => ({
      tenantId: p.tenantId,
      personalityId: p.personalityId,
      version: 2 + Math.floor(Math.random() * 1e9),
      systemPrompt: 'Be brief.',
      temperature: '0.50',
      maxTokens: 100,
      topP: '1.00',
      frequencyPenalty: '0.00',
      presencePenalty: '0.00',
      allowGeneralKnowledge: false,
    }),
  },
  evaluation_sets: {
    table: schema.evaluationSets,
    row: async (_db, p) => ({ tenantId: p.tenantId, name: `Set ${unique()}` }),
  },
  evaluation_questions: {
    table: schema.evaluationQuestions,
    row: async (_db, p) => ({ tenantId: p.tenantId, setId: p.evaluationSetId, question: 'What is the capital of France?', unanswerable: true }),
  },
  evaluation_runs: {
    table: schema.evaluationRuns,
    row: async (_db, p) => ({ tenantId: p.tenantId, setId: p.evaluationSetId, personalityName: 'Support', versionNumber: 1 }),
  },
  evaluation_results: {
    table: schema.evaluationResults,
    row: async (_db, p) => ({
      tenantId: p.tenantId,
      runId: p.evaluationRunId,
      questionId: randomUUID(),
      position: Math.floor(Math.random() * 1e9),
      question: 'What is the capital of France?',
      unanswerable: true,
    }),
  },
  widgets: {
    table: schema.widgets,
    row: async (_db, p) => ({ tenantId: p.tenantId, name: `Widget ${unique()}` }),
  },
  meetings: {
    table: schema.meetings,
    row: async (_db, p) => ({ tenantId: p.tenantId, roomName: `room-${unique()}` }),
  },
  meeting_participants: {
    table: schema.meetingParticipants,
    row: async (_db, p) => ({ tenantId: p.tenantId, meetingId: p.meetingId, participantSid: `PA_${unique()}`, identity: `user-${unique()}`, joinedAt: new Date() }),
  },
  livekit_webhook_events: {
    table: schema.livekitWebhookEvents,
    row: async (_db, p) => ({ tenantId: p.tenantId, eventId: `EV_${unique()}`, event: 'participant_joined' }),
  },
  sessions: {
    table: schema.sessions,
    row: async (_db, p) => ({ tenantId: p.tenantId }),
  },
  messages: {
    table: schema.messages,
    row: async (_db, p) => ({ tenantId: p.tenantId, sessionId: p.sessionId, role: 'user', content: 'Hello' }),
  },
  message_attachments: {
    table: schema.messageAttachments,
    row: async (_db, p) => ({
      tenantId: p.tenantId,
      sessionId: p.sessionId,
      messageId: randomUUID(),
      mediaType: 'image/png',
      width: 1,
      height: 1,
      byteSize: 5,
      bytes: Buffer.from('image'),
    }),
  },
  knowledge_documents: {
    table: schema.knowledgeDocuments,
    row: async (_db, p) => ({ tenantId: p.tenantId, title: `Doc ${unique()}`, sourceType: 'text' }),
  },
  knowledge_sources: {
    table: schema.knowledgeSources,
    // One source per document: each row needs a document of its own.
    row: async (db, p) => {
      const [document] = await db
        .insert(schema.knowledgeDocuments)
        .values({ tenantId: p.tenantId, title: `Upload ${unique()}`, sourceType: 'upload' })
        .returning({ id: schema.knowledgeDocuments.id });
      return { tenantId: p.tenantId, documentId: document!.id, bytes: Buffer.from('hello') };
    },
  },
  // Before knowledge_chunks: the chunk fixture's insert adds to these through the statistics
  // triggers, and there is one corpus row per tenant (later inserts are refused by the policy
  // before the key is checked).
  knowledge_corpus_stats: {
    table: schema.knowledgeCorpusStats,
    row: async (_db, p) => ({ tenantId: p.tenantId, chunkCount: 1, tokenCount: 7 }),
  },
  knowledge_term_stats: {
    table: schema.knowledgeTermStats,
    row: async (_db, p) => ({ tenantId: p.tenantId, lexeme: `term-${unique()}`, chunkCount: 1 }),
  },
  knowledge_chunks: {
    table: schema.knowledgeChunks,
    row: async (_db, p) => ({
      tenantId: p.tenantId,
      documentId: p.documentId,
      position: Math.floor(Math.random() * 1e9),
      content: 'Refunds are available within 30 days.',
      tokenCount: 7,
      embedding: Array.from({ length: schema.EMBEDDING_DIMENSIONS }, (_, i) => (i === 0 ? 1 : 0)),
      embeddingModel: 'test',
    }),
  },
  cost_events: {
    table: schema.costEvents,
    row: async (_db, p) => ({ tenantId: p.tenantId, service: 'llm', provider: 'openai', costUsd: '0.01', priceVersion: 'test' }),
  },
  cost_summaries: {
    table: schema.costSummaries,
    row: async (_db, p) => {
      const start = new Date(Date.UTC(2000 + Math.floor(Math.random() * 500), 0, 1));
      return { tenantId: p.tenantId, granularity: 'day', periodStart: start, periodEnd: new Date(start.getTime() + 86_400_000), totalCostUsd: '1.5' };
    },
  },
  cost_rollup_watermarks: {
    table: schema.costRollupWatermarks,
    // One row per tenant (the key is tenant_id); the suite's later inserts are refused by the
    // policy before the key is checked.
    row: async (_db, p) => ({ tenantId: p.tenantId, rolledUpTo: new Date(Math.floor(Math.random() * 1e12)) }),
  },
  budget_thresholds: {
    table: schema.budgetThresholds,
    row: async (_db, p) => ({ tenantId: p.tenantId, amountUsd: String(1 + Math.floor(Math.random() * 1e6)), period: 'daily' }),
  },
  spend_reservations: {
    table: schema.spendReservations,
    row: async (_db, p) => ({ tenantId: p.tenantId, sessionId: p.sessionId, amountUsd: '0.01', expiresAt: new Date(Date.now() + 60_000) }),
  },
  sources: {
    table: schema.sources,
    row: async (_db, p) => ({ tenantId: p.tenantId, name: `Site ${unique()}`, kind: 'website', url: 'https://example.com/', crawl: { sameSite: true, include: [], exclude: [], maxPages: 10, maxDepth: 1 } }),
  },
  source_syncs: {
    table: schema.sourceSyncs,
    // Finished syncs: a source may have one active sync only, but any number of past ones.
    row: async (_db, p) => ({ tenantId: p.tenantId, sourceId: p.sourceId, trigger: 'manual', status: 'done' }),
  },
  source_pages: {
    table: schema.sourcePages,
    row: async (_db, p) => ({ tenantId: p.tenantId, sourceId: p.sourceId, url: `https://example.com/${unique()}` }),
  },
  source_changes: {
    table: schema.sourceChanges,
    // One pending change per page: each row needs a page of its own.
    row: async (db, p) => {
      const [page] = await db
        .insert(schema.sourcePages)
        .values({ tenantId: p.tenantId, sourceId: p.sourceId, url: `https://example.com/changed-${unique()}` })
        .returning({ id: schema.sourcePages.id });
      return { tenantId: p.tenantId, sourceId: p.sourceId, pageId: page!.id, kind: 'changed', url: 'https://example.com/x', content: 'New text' };
    },
  },
  visitors: {
    table: schema.visitors,
    row: async (_db, p) => ({ tenantId: p.tenantId, externalId: `user-${unique()}`, email: 'same@example.com' }),
  },
  visitor_signing_keys: {
    table: schema.visitorSigningKeys,
    row: async (_db, p) => ({ tenantId: p.tenantId, keyId: `vk_${unique()}`, name: 'Site', secretCiphertext: 'x' }),
  },
  handoffs: {
    table: schema.handoffs,
    // Closed handoffs: a conversation has at most one open one.
    row: async (_db, p) => ({ tenantId: p.tenantId, sessionId: p.sessionId, status: 'resolved', reason: 'visitor_request' }),
  },
  conversation_events: {
    table: schema.conversationEvents,
    row: async (_db, p) => ({ tenantId: p.tenantId, sessionId: p.sessionId, type: 'handoff_requested', actor: 'visitor', reason: 'keyword' }),
  },
  support_settings: {
    table: schema.supportSettings,
    // One row per tenant (the key is tenant_id), like the rollup watermark.
    row: async (_db, p) => ({ tenantId: p.tenantId, weeklyHours: [], pickupTimeoutMinutes: 1 + Math.floor(Math.random() * 100) }),
  },
  budget_alerts: {
    table: schema.budgetAlerts,
    row: async (_db, p) => ({
      tenantId: p.tenantId,
      threshold: String(Math.floor(Math.random() * 1e6)),
      currentSpend: '10',
      periodStart: new Date(),
    }),
  },
};

const INSUFFICIENT_PRIVILEGE = '42501';

async function createTenant(db: Database, name: string): Promise<Parents> {
  const [tenant] = await db
    .insert(schema.tenants)
    .values({ name, publishableKey: `pk_test_${unique()}` })
    .returning({ id: schema.tenants.id });
  const tenantId = tenant!.id;
  const [session] = await db.insert(schema.sessions).values({ tenantId }).returning({ id: schema.sessions.id });
  const [document] = await db
    .insert(schema.knowledgeDocuments)
    .values({ tenantId, title: 'Parent', sourceType: 'text' })
    .returning({ id: schema.knowledgeDocuments.id });
  const [source] = await db
    .insert(schema.sources)
    .values({ tenantId, name: 'Parent site', kind: 'website', url: 'https://example.com/', crawl: { sameSite: true, include: [], exclude: [], maxPages: 10, maxDepth: 1 } })
    .returning({ id: schema.sources.id });
  const [meeting] = await db
    .insert(schema.meetings)
    .values({ tenantId, roomName: `m_${tenantId}_parent`, title: 'Parent' })
    .returning({ id: schema.meetings.id });
  const [personality] = await db
    .insert(schema.aiPersonalities)
    .values({ tenantId, name: 'Parent', systemPrompt: 'Be helpful.' })
    .returning({ id: schema.aiPersonalities.id });
  const [set] = await db.insert(schema.evaluationSets).values({ tenantId, name: 'Parent' }).returning({ id: schema.evaluationSets.id });
  const [run] = await db
    .insert(schema.evaluationRuns)
    .values({ tenantId, setId: set!.id, personalityName: 'Parent', versionNumber: 1 })
    .returning({ id: schema.evaluationRuns.id });
  return {
    tenantId,
    sessionId: session!.id,
    documentId: document!.id,
    sourceId: source!.id,
    meetingId: meeting!.id,
    personalityId: personality!.id,
    evaluationSetId: set!.id,
    evaluationRunId: run!.id,
  };
}

/** Runs `fn` as app_tenant without binding any tenant. */
function asTenantRoleWithoutTenant<T>(db: Database, fn: (tx: Database) => Promise<T>): Promise<T> {
  return db.transaction(async (tx) => {
    await tx.execute(sql`set local role app_tenant`);
    return fn(tx as unknown as Database);
  });
}

export function describeTenantIsolation(driver: string, open: () => Promise<DatabaseHandle>) {
  describe(`tenant isolation through ${driver}`, () => {
    let handle: DatabaseHandle;
    let db: Database;
    let a: Parents;
    let b: Parents;
    const rowsOfB = new Map<string, number>();

    beforeAll(async () => {
      handle = await open();
      db = handle.db;
      a = await createTenant(db, 'Tenant A');
      b = await createTenant(db, 'Tenant B');
      // Seed one row per table for each tenant, as the login role (outside RLS scoping).
      for (const fixture of Object.values(FIXTURES)) {
        await db.insert(fixture.table).values((await fixture.row(db, a)) as never);
        await db.insert(fixture.table).values((await fixture.row(db, b)) as never);
      }
      // Counted once every fixture exists: some fixtures add rows to other tables.
      for (const [name, fixture] of Object.entries(FIXTURES)) {
        const [count] = await db
          .select({ n: sql<number>`count(*)::int` })
          .from(fixture.table)
          .where(eq(fixture.table.tenantId, b.tenantId));
        rowsOfB.set(name, count!.n);
      }
    });

    afterAll(async () => {
      await handle?.close();
    });

    it('has a fixture for every tenant-scoped table in the catalog', async () => {
      const rows = await queryRows<{ table_name: string }>(db, sql`
        select table_name from information_schema.columns
        where table_schema = 'public' and column_name = 'tenant_id' order by table_name`);
      expect(rows.map((row) => row.table_name).sort()).toEqual(Object.keys(FIXTURES).sort());
    });

    it('runs as app_tenant without BYPASSRLS inside a tenant scope', async () => {
      const [row] = await scopeToTenant(db, a.tenantId, (tx) =>
        tx
          .select({
            user: sql<string>`current_user`,
            bypass: sql<boolean>`(select rolbypassrls from pg_roles where rolname = current_user)`,
            superuser: sql<boolean>`(select rolsuper from pg_roles where rolname = current_user)`,
            tenant: sql<string>`current_setting('app.tenant_id', true)`,
          })
          .from(sql`(select 1) as one`),
      );
      expect(row).toEqual({ user: 'app_tenant', bypass: false, superuser: false, tenant: a.tenantId });
    });

    it('shows a tenant only itself in the tenants table', async () => {
      const visible = await scopeToTenant(db, a.tenantId, (tx) => tx.select({ id: schema.tenants.id }).from(schema.tenants));
      expect(visible).toEqual([{ id: a.tenantId }]);
      const updated = await scopeToTenant(db, a.tenantId, (tx) =>
        tx.update(schema.tenants).set({ name: 'Hijacked' }).where(eq(schema.tenants.id, b.tenantId)).returning(),
      );
      expect(updated).toEqual([]);
      await expectSqlState(
        scopeToTenant(db, a.tenantId, (tx) => tx.insert(schema.tenants).values({ name: 'New', publishableKey: `pk_${unique()}` })),
        INSUFFICIENT_PRIVILEGE,
      );
    });

    describe.each(Object.entries(FIXTURES))('%s', (name, fixture) => {
      const { table } = fixture;
      // A table app_tenant may not update or delete from at all refuses outright; otherwise RLS
      // hides B's rows. Read before the statement starts, so a refusal is awaited at once.
      const appTenantMay = async (privilege: 'UPDATE' | 'DELETE') =>
        (await queryRows<{ allowed: boolean }>(db, sql`select has_table_privilege('app_tenant', ${name}, ${privilege}) as allowed`))[0]!.allowed;

      it("cannot read another tenant's rows", async () => {
        const rows = await scopeToTenant(db, a.tenantId, (tx) => tx.select({ tenantId: table.tenantId }).from(table));
        expect(rows.length).toBeGreaterThan(0);
        expect(rows.every((row) => row.tenantId === a.tenantId)).toBe(true);
      });

      it("cannot insert a row into another tenant", async () => {
        const row = await fixture.row(db, b);
        await expectSqlState(
          scopeToTenant(db, a.tenantId, (tx) => tx.insert(table).values(row as never)),
          INSUFFICIENT_PRIVILEGE,
        );
      });

      it("cannot update another tenant's rows", async () => {
        const allowed = await appTenantMay('UPDATE');
        const update = scopeToTenant(db, a.tenantId, (tx) =>
          tx.update(table).set({ tenantId: a.tenantId } as never).where(eq(table.tenantId, b.tenantId)).returning(),
        );
        if (allowed) expect(await update).toEqual([]);
        else await expectSqlState(update, INSUFFICIENT_PRIVILEGE);
      });

      it('cannot move its own row to another tenant', async () => {
        await expectSqlState(
          scopeToTenant(db, a.tenantId, (tx) => tx.update(table).set({ tenantId: b.tenantId } as never).where(eq(table.tenantId, a.tenantId))),
          INSUFFICIENT_PRIVILEGE,
        );
      });

      it("cannot delete another tenant's rows", async () => {
        const allowed = await appTenantMay('DELETE');
        const deletion = scopeToTenant(db, a.tenantId, (tx) => tx.delete(table).where(eq(table.tenantId, b.tenantId)).returning());
        if (allowed) expect(await deletion).toEqual([]);
        else await expectSqlState(deletion, INSUFFICIENT_PRIVILEGE);
        const [count] = await db
          .select({ n: sql<number>`count(*)::int` })
          .from(table)
          .where(eq(table.tenantId, b.tenantId));
        expect(count!.n).toBe(rowsOfB.get(name));
      });

      it('sees nothing and writes nothing with no tenant bound', async () => {
        const rows = await asTenantRoleWithoutTenant(db, (tx) => tx.select({ tenantId: table.tenantId }).from(table));
        expect(rows).toEqual([]);
        const row = await fixture.row(db, a);
        await expectSqlState(
          asTenantRoleWithoutTenant(db, (tx) => tx.insert(table).values(row as never)),
          INSUFFICIENT_PRIVILEGE,
        );
      });
    });

    describe('vector search and its background index', () => {
      // Every fixture chunk has the same vector, so only the tenant boundary tells them apart.
      const probe = { vector: Array.from({ length: schema.EMBEDDING_DIMENSIONS }, (_, i) => (i === 0 ? 1 : 0)), embeddingModel: 'test', limit: 10 };
      const chunkIdsOf = async (tenantId: string) =>
        (await db.select({ id: schema.knowledgeChunks.id }).from(schema.knowledgeChunks).where(eq(schema.knowledgeChunks.tenantId, tenantId))).map((row) => row.id);
      const pendingOf = async (tenantId: string) =>
        (await db.select({ id: schema.knowledgeChunks.id }).from(schema.knowledgeChunks).where(sql`${schema.knowledgeChunks.tenantId} = ${tenantId} and not ${schema.knowledgeChunks.embeddingIndexed}`)).length;

      it("finds only the tenant's own chunks, exactly and through the graph plus pending union", async () => {
        const own = new Set(await chunkIdsOf(a.tenantId));
        for (const exactBelow of [Number.MAX_SAFE_INTEGER, 0]) {
          const { plan, candidates } = await scopeToTenant(db, a.tenantId, (tx) => nearestChunks(tx, { ...probe, tenantId: a.tenantId }, { exactBelow }));
          expect(plan).toBe(exactBelow ? 'exact' : 'graph+pending');
          expect(candidates.length).toBeGreaterThan(0);
          expect(candidates.every((candidate) => own.has(candidate.id))).toBe(true);
          // Asking for the other tenant's chunks by id in the SQL still meets RLS.
          const other = await scopeToTenant(db, a.tenantId, (tx) => nearestChunks(tx, { ...probe, tenantId: b.tenantId }, { exactBelow }));
          expect(other.candidates).toEqual([]);
        }
      });

      it("cannot index, or count, another tenant's pending chunks", async () => {
        const pendingOfB = await pendingOf(b.tenantId);
        expect(pendingOfB).toBeGreaterThan(0);
        expect(await scopeToTenant(db, a.tenantId, (tx) => indexPendingChunks(tx, b.tenantId, 100))).toBe(0);
        expect(await scopeToTenant(db, a.tenantId, (tx) => countPendingChunks(tx, b.tenantId))).toBe(0);
        expect(await pendingOf(b.tenantId)).toBe(pendingOfB);
        // Its own are indexed, and still found only by their tenant.
        expect(await scopeToTenant(db, a.tenantId, (tx) => indexPendingChunks(tx, a.tenantId, 100))).toBe(await chunkIdsOf(a.tenantId).then((ids) => ids.length));
        const own = new Set(await chunkIdsOf(a.tenantId));
        const { candidates } = await scopeToTenant(db, a.tenantId, (tx) => nearestChunks(tx, { ...probe, tenantId: a.tenantId }, { exactBelow: 0 }));
        expect(candidates.length).toBe(own.size);
        expect(candidates.every((candidate) => own.has(candidate.id))).toBe(true);
      });
    });

    it('cannot attach a child row to a parent of another tenant', async () => {
      // messages, chunks and meeting participants reference their parent by (tenant_id, id): a session or document id
      // of tenant B is simply not found for tenant A (foreign key violation, 23503).
      await expectSqlState(
        scopeToTenant(db, a.tenantId, (tx) =>
          tx.insert(schema.messages).values({ tenantId: a.tenantId, sessionId: b.sessionId, role: 'user', content: 'x' }),
        ),
        '23503',
      );
      await expectSqlState(
        scopeToTenant(db, a.tenantId, async (tx) =>
          tx.insert(schema.knowledgeChunks).values({ ...(await FIXTURES.knowledge_chunks!.row(db, a)), documentId: b.documentId } as never),
        ),
        '23503',
      );
      // Sessions, handoffs and their events reference visitors and sessions the same way.
      const [visitorOfB] = await db.insert(schema.visitors).values({ tenantId: b.tenantId, externalId: `b-${unique()}` }).returning();
      await expectSqlState(
        scopeToTenant(db, a.tenantId, (tx) => tx.insert(schema.sessions).values({ tenantId: a.tenantId, visitorId: visitorOfB!.id })),
        '23503',
      );
      await expectSqlState(
        scopeToTenant(db, a.tenantId, (tx) => tx.insert(schema.handoffs).values({ tenantId: a.tenantId, sessionId: b.sessionId, reason: 'keyword' })),
        '23503',
      );
      await expectSqlState(
        scopeToTenant(db, a.tenantId, (tx) =>
          tx.insert(schema.conversationEvents).values({ tenantId: a.tenantId, sessionId: b.sessionId, type: 'resolved', actor: 'system' }),
        ),
        '23503',
      );
      await expectSqlState(
        scopeToTenant(db, a.tenantId, async (tx) =>
          tx.insert(schema.meetingParticipants).values({ ...(await FIXTURES.meeting_participants!.row(db, a)), meetingId: b.meetingId } as never),
        ),
        '23503',
      );
      await expectSqlState(
        scopeToTenant(db, a.tenantId, (tx) =>
          tx.insert(schema.evaluationQuestions).values({ tenantId: a.tenantId, setId: b.evaluationSetId, question: 'x', unanswerable: true }),
        ),
        '23503',
      );
      await expectSqlState(
        scopeToTenant(db, a.tenantId, async (tx) =>
          tx.insert(schema.personalityVersions).values({ ...((await FIXTURES.personality_versions!.row(db, a)) as schema.NewPersonalityVersion), personalityId: b.personalityId }),
        ),
        '23503',
      );
    });

    it('gives every new personality a live version 1 with its settings, inside the tenant scope', async () => {
      const [created] = await scopeToTenant(db, a.tenantId, (tx) =>
        tx.insert(schema.aiPersonalities).values({ tenantId: a.tenantId, name: `Scoped ${unique()}`, systemPrompt: 'Answer briefly.', temperature: '0.20' }).returning(),
      );
      const versions = await scopeToTenant(db, a.tenantId, (tx) =>
        tx.select().from(schema.personalityVersions).where(eq(schema.personalityVersions.personalityId, created!.id)),
      );
      expect(versions).toMatchObject([{ tenantId: a.tenantId, version: 1, isLive: true, systemPrompt: 'Answer briefly.', temperature: '0.20' }]);
    });
  });
}
