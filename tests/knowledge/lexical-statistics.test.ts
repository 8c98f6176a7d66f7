import { and, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeDatabase, type Database, getDatabase } from '@/db/client';
import { createDocument, deleteDocument, updateDocument } from '@/db/queries/knowledge';
import { knowledgeChunks, knowledgeDocuments, tenants } from '@/db/schema';
import { executeRows } from '@/db/sql';
import { withTenantId } from '@/db/withTenant';
import { localEmbedder } from '@/lib/knowledge/embedders';
import { ingestDocument } from '@/lib/knowledge/ingest';
import { embedLocally } from '@/lib/knowledge/local-embedder';
import { LEXICAL_BUDGET, lexicalCandidates, planLexicalGathering } from '@/lib/knowledge/search';
import { createTeam } from '../helpers/team';

// BM25 reads each tenant's chunk count, token total and per-lexeme chunk counts from tables the
// chunk writes keep (migration 0025). They must always equal a count over the chunks.

describe('lexical statistics kept by the chunk writes', () => {
  let db: Database;
  let tenantA: string;
  let tenantB: string;

  /** The statistics as stored, and as recomputed from the chunks, for every tenant. */
  async function storedAndRecomputed() {
    const stored = await executeRows<{ tenant_id: string; lexeme: string; n: number }>(
      db,
      sql`select tenant_id, lexeme, chunk_count as n from knowledge_term_stats order by 1, 2`,
    );
    const recomputed = await executeRows<{ tenant_id: string; lexeme: string; n: number }>(
      db,
      sql`select tenant_id, lexeme, count(*)::int as n from knowledge_chunks, unnest(tsvector_to_array(search_vector)) as lexeme group by 1, 2 order by 1, 2`,
    );
    const storedCorpus = await executeRows(db, sql`select tenant_id, chunk_count, token_count::int as tokens from knowledge_corpus_stats order by 1`);
    const recomputedCorpus = await executeRows(
      db,
      sql`select tenant_id, count(*)::int as chunk_count, sum(token_count)::int as tokens from knowledge_chunks group by 1 order by 1`,
    );
    return { stored, recomputed, storedCorpus, recomputedCorpus };
  }

  async function expectExact() {
    const { stored, recomputed, storedCorpus, recomputedCorpus } = await storedAndRecomputed();
    expect(stored).toEqual(recomputed);
    expect(storedCorpus).toEqual(recomputedCorpus);
    return { stored, storedCorpus };
  }

  async function addDocument(tenantId: string, title: string, content: string) {
    const document = await withTenantId(tenantId, (tx) => createDocument(tx, { tenantId, title, content, sourceType: 'text' }));
    expect(await ingestDocument(tenantId, document.id, localEmbedder)).toMatchObject({ status: 'ready' });
    return document.id;
  }

  beforeAll(async () => {
    ({ db } = await getDatabase());
    tenantA = (await createTeam(db, 'Stats A')).tenantId;
    tenantB = (await createTeam(db, 'Stats B')).tenantId;
  });
  afterAll(closeDatabase);

  it('counts the chunks of every ingested document, per tenant', async () => {
    await addDocument(tenantA, 'Ferry timetable', '# Ferries\n\nThe ferry to Texel leaves every hour.\n\n## Winter\n\nIn winter the ferry leaves every two hours.');
    await addDocument(tenantB, 'Ferry rules', '# Rules\n\nBicycles ride the ferry for free.');
    const { stored, storedCorpus } = await expectExact();
    const ferry = stored.filter((row) => row.lexeme === 'ferri');
    expect(ferry.map((row) => row.tenant_id).sort()).toEqual([tenantA, tenantB].sort());
    expect(storedCorpus).toHaveLength(2);
  });

  it('stays exact when a document is re-indexed with other text (the chunk swap)', async () => {
    const documentId = await addDocument(tenantA, 'Harbour', '# Harbour\n\nThe harbour master keeps the keys.');
    await withTenantId(tenantA, (tx) => updateDocument(tx, tenantA, documentId, { content: '# Harbour\n\nMoorings are booked online, lighthouse tours on Sundays.', status: 'queued' }));
    expect(await ingestDocument(tenantA, documentId, localEmbedder)).toMatchObject({ status: 'ready' });
    const { stored } = await expectExact();
    const lexemes = stored.filter((row) => row.tenant_id === tenantA).map((row) => row.lexeme);
    expect(lexemes).toContain('lighthous');
    expect(lexemes).not.toContain('master');
  });

  it('stays exact when a document is deleted (its chunks go by cascade), and forgets lexemes no chunk holds', async () => {
    const documentId = await addDocument(tenantA, 'Lighthouse', '# Lighthouse\n\nThe lighthouse lens was polished in 1911 by a glazier.');
    expect(await withTenantId(tenantA, (tx) => deleteDocument(tx, tenantA, documentId))).toBe(true);
    const { stored } = await expectExact();
    expect(stored.some((row) => row.lexeme === 'glazier')).toBe(false);
    // Still held by the harbour document:
    expect(stored.some((row) => row.tenant_id === tenantA && row.lexeme === 'lighthous')).toBe(true);
  });

  it('stays exact when chunks are inserted, edited and deleted directly, several at a time', async () => {
    await withTenantId(tenantB, async (tx) => {
      const [document] = await tx.insert(knowledgeDocuments).values({ tenantId: tenantB, title: 'Direct', sourceType: 'text', status: 'ready' }).returning();
      const chunk = (position: number, content: string) => ({
        tenantId: tenantB, documentId: document!.id, documentTitle: 'Direct', position, content, tokenCount: 5 + position,
        embedding: embedLocally(content), embeddingModel: localEmbedder.model,
      });
      const inserted = await tx
        .insert(knowledgeChunks)
        .values([chunk(0, 'Anchors and chains.'), chunk(1, 'Chains and ropes.'), chunk(2, 'Ropes and sails.')])
        .returning({ id: knowledgeChunks.id });
      await tx.update(knowledgeChunks).set({ content: 'Sails and oars.', tokenCount: 9 }).where(eq(knowledgeChunks.id, inserted[1]!.id));
      // Updates of other columns (filters) leave the statistics alone.
      await tx.update(knowledgeChunks).set({ category: 'boats' }).where(eq(knowledgeChunks.documentId, document!.id));
      await tx.delete(knowledgeChunks).where(and(eq(knowledgeChunks.tenantId, tenantB), eq(knowledgeChunks.position, 0), eq(knowledgeChunks.documentId, document!.id)));
    });
    const { stored } = await expectExact();
    const ofB = new Map(stored.filter((row) => row.tenant_id === tenantB).map((row) => [row.lexeme, row.n]));
    expect(ofB.get('sail')).toBe(2);
    expect(ofB.get('anchor')).toBeUndefined();
    expect(ofB.get('chain')).toBeUndefined();
  });

  it('keeps each tenant to its own statistics (row-level security)', async () => {
    const visible = await withTenantId(tenantA, (tx) => executeRows<{ tenant_id: string }>(tx, sql`select distinct tenant_id from knowledge_term_stats`));
    expect(visible).toEqual([{ tenant_id: tenantA }]);
    const corpus = await withTenantId(tenantA, (tx) => executeRows<{ tenant_id: string }>(tx, sql`select tenant_id from knowledge_corpus_stats`));
    expect(corpus).toEqual([{ tenant_id: tenantA }]);
  });

  it('lets the full-text index serve a tenant under row-level security (the match is LEAKPROOF)', async () => {
    const [match] = await executeRows<{ leakproof: boolean }>(db, sql`select proleakproof as leakproof from pg_proc where proname = 'ts_match_vq'`);
    expect(match!.leakproof).toBe(true);
  });

  it('goes when the tenant goes', async () => {
    const { tenantId } = await createTeam(db, 'Stats gone');
    await addDocument(tenantId, 'Short', 'Buoys are yellow.');
    await db.delete(tenants).where(eq(tenants.id, tenantId));
    const { stored, storedCorpus } = await expectExact();
    expect(stored.some((row) => row.tenant_id === tenantId)).toBe(false);
    expect(storedCorpus.some((row) => (row as { tenant_id: string }).tenant_id === tenantId)).toBe(false);
  });
});

describe('bounded lexical search', () => {
  it('gathers with the rarest terms within the postings budget and leaves the common ones to their conjunction', () => {
    const terms = [
      { lexeme: 'ferri', chunks: 900 },
      { lexeme: 'texel', chunks: 12 },
      { lexeme: 'winter', chunks: 300 },
      { lexeme: 'leav', chunks: 150 },
    ];
    expect(planLexicalGathering(terms, { rarePostings: 400, commonCandidates: 100 })).toEqual({ rare: ['texel', 'leav'], common: ['winter', 'ferri'] });
    expect(planLexicalGathering(terms, { rarePostings: Infinity, commonCandidates: 0 })).toEqual({ rare: ['texel', 'leav', 'winter', 'ferri'], common: [] });
    // Every term too common: only the conjunction gathers.
    expect(planLexicalGathering(terms, { rarePostings: 10, commonCandidates: 100 })).toEqual({ rare: [], common: ['texel', 'leav', 'winter', 'ferri'] });
    expect(LEXICAL_BUDGET.rarePostings).toBeGreaterThan(0);
  });

  it('scores exactly what an unbounded search scores when the question has a rare term, and finds chunks holding all the common ones', async () => {
    const { db } = await getDatabase();
    const { tenantId } = await createTeam(db, 'Bounded');
    // 30 chunks about the ferry (a common word here), one of them about Texel (rare), and six
    // holding both "ferry" and "ticket" (common too, for the tight budget below).
    await withTenantId(tenantId, async (tx) => {
      const [document] = await tx.insert(knowledgeDocuments).values({ tenantId, title: 'Timetable', sourceType: 'text', status: 'ready' }).returning();
      const rows = Array.from({ length: 30 }, (_, position) => {
        const content =
          position === 7 ? 'The ferry to Texel leaves at nine.' : position % 5 === 0 ? 'Ferry ticket.' : `The ferry leaves from pier ${position} ${'daily '.repeat(position)}`;
        return { tenantId, documentId: document!.id, position, content, tokenCount: content.split(' ').length, embedding: embedLocally(content), embeddingModel: localEmbedder.model };
      });
      await tx.insert(knowledgeChunks).values(rows);
    });
    const search = (text: string, lexicalBudget = LEXICAL_BUDGET) =>
      withTenantId(tenantId, (tx) => lexicalCandidates(tx, { tenantId, text, vector: [], embeddingModel: localEmbedder.model, tuning: { lexicalBudget } }));
    const tight = { rarePostings: 5, commonCandidates: 3 };
    const exact = { rarePostings: Infinity, commonCandidates: Infinity };

    // "texel" (1 chunk) gathers; "ferry" (30 chunks) is over the budget. The chunk holding both
    // comes first with the same score as in an unbounded search.
    const [bounded] = await search('ferry to Texel', tight);
    const [unbounded] = await search('ferry to Texel', exact);
    expect(bounded).toEqual(unbounded);

    // Both words common: chunks holding both, at most commonCandidates of them, scored as an
    // unbounded search scores them.
    const common = await search('ferry ticket', tight);
    expect(common).toHaveLength(3);
    // Unbounded, the six chunks holding both words come first.
    const holdingBoth = (await search('ferry ticket', exact)).slice(0, 6);
    for (const hit of common) expect(holdingBoth).toContainEqual(hit);
  });
});
