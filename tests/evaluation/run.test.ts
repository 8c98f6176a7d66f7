import { and, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as evaluation from '@/app/dashboard/evaluation/mutations';
import * as personalities from '@/app/dashboard/personalities/mutations';
import { closeDatabase, type Database, getDatabase } from '@/db/client';
import { getLivePersonalityVersion } from '@/db/queries/personalities';
import { createDocument } from '@/db/queries/knowledge';
import { closeQueue } from '@/db/queue';
import { costEvents, evaluationResults, evaluationRuns, tenants } from '@/db/schema';
import { withTenantId } from '@/db/withTenant';
import { getEnv } from '@/lib/env';
import { JUDGE_SYSTEM_PROMPT } from '@/lib/evaluation/judge';
import { executeRun } from '@/lib/evaluation/run';
import { droppedMetrics, pairResults } from '@/lib/evaluation/scoring';
import { localEmbedder } from '@/lib/knowledge/embedders';
import { ingestDocument } from '@/lib/knowledge/ingest';
import { fakeAssistant, fakeJudge, isJudgeRequest } from '../helpers/fake-models';
import { type OpenAiTestServer, startOpenAiServer } from '../helpers/openai-server';
import { createTeam, type Team } from '../helpers/team';

// Evaluation runs against a local OpenAI-compatible server: the assistant answers from its
// first passage (or, for a personality told to exaggerate, with a number the passage does not
// hold), the judge checks statements word by word against the passages.

const SHIPPING = `# Shipping

## Abroad
We ship to 40 countries from our warehouse in Lyon. Delivery abroad takes 5 to 8 working days.

## Costs
Shipping is free for orders over 50 euros; below that it costs 6 euros.`;

describe('evaluation runs', () => {
  let server: OpenAiTestServer;
  let db: Database;
  let judgeBroken = false;

  beforeAll(async () => {
    server = await startOpenAiServer({
      answer: ({ messages }) => {
        if (isJudgeRequest(messages)) return judgeBroken ? { text: 'I think it is fine.', promptTokens: 50, completionTokens: 5 } : fakeJudge(messages);
        const reply = fakeAssistant(messages);
        // A personality told to exaggerate claims more than its passage says.
        return messages[0]!.content.startsWith('Exaggerate') ? { ...reply, text: reply.text.replace(/\d+/, '90') } : reply;
      },
    });
    // Read once by getEnv(): the run's model calls go to the local server.
    process.env.OPENAI_API_KEY = 'test-key';
    process.env.OPENAI_BASE_URL = server.baseURL;
    process.env.LLM_TIMEOUT_MS = '10000';
    ({ db } = await getDatabase());
  });
  afterAll(async () => {
    await closeQueue();
    await server.close();
    await closeDatabase();
  });

  /** A workspace with two indexed documents and a test set of three questions: by passage, by passage and answer, unanswerable. */
  async function workspace() {
    const team = await createTeam(db);
    const { tenantId } = team;
    const shipping = await withTenantId(tenantId, (tx) => createDocument(tx, { tenantId, title: 'Shipping', sourceType: 'text', content: SHIPPING }));
    await ingestDocument(tenantId, team.documentId, localEmbedder);
    await ingestDocument(tenantId, shipping.id, localEmbedder);
    const owner = { userId: team.users.owner, tenantId };
    const created = await evaluation.createTestSet.run(owner, { name: 'Returns and shipping' });
    const setId = created.result!.setId!;
    for (const question of [
      { question: 'How many days do I have to return an item?', documentIds: team.documentId },
      { question: 'How long does delivery abroad take?', documentIds: shipping.id, section: 'Abroad', expectedAnswer: 'Delivery abroad takes 5 to 8 working days.' },
      { question: 'What is the capital of France?', unanswerable: 'on' },
    ]) {
      expect(await evaluation.addQuestion.run(owner, { setId, ...question })).toMatchObject({ status: 'success' });
    }
    const live = (await withTenantId(tenantId, (tx) => getLivePersonalityVersion(tx, tenantId, team.personalityId)))!;
    return { team, owner, setId, shippingId: shipping.id, liveVersionId: live.id };
  }

  async function runToEnd(owner: { userId: string; tenantId: string }, input: Record<string, string>) {
    const started = await evaluation.startRun.run(owner, input);
    expect(started, JSON.stringify(started)).toMatchObject({ status: 'success' });
    const runId = started.result!.runId!;
    const status = await executeRun(owner.tenantId, runId, { embedder: localEmbedder });
    const [run] = await db.select().from(evaluationRuns).where(eq(evaluationRuns.id, runId));
    const results = await db.select().from(evaluationResults).where(eq(evaluationResults.runId, runId)).orderBy(evaluationResults.position);
    return { status, run: run!, results };
  }

  it('scores retrieval, writes answers as the version would, grades them with the judge, stores everything and costs every call', async () => {
    const { team, owner, setId, liveVersionId } = await workspace();
    server.requests.length = 0;
    const { status, run, results } = await runToEnd(owner, { setId, versionId: liveVersionId, judgeModel: 'gpt-4o-mini' });

    expect(status).toBe('completed');
    expect(run).toMatchObject({ status: 'completed', total: 3, completed: 3, answerModel: 'gpt-4o-mini', judgeModel: 'gpt-4o-mini', personalityName: 'Support', versionNumber: 1 });
    expect(run.knowledge).toEqual({ documents: 2, chunks: expect.any(Number), embeddingModel: localEmbedder.model });

    const [returns, abroad, france] = results;
    expect(returns).toMatchObject({ status: 'done', firstRelevantRank: 1, retrievalPassed: true, answerStatus: 'grounded', faithfulness: 1, citationCorrectness: 1, answerPassed: true, passed: true });
    expect(returns!.answer).toBe('Returns are free within 30 days. [1]');
    expect(returns!.judge!.statements).toEqual([{ id: 1, text: 'Returns are free within 30 days. [1]', cites: [1], claim: true, supported: true, citationsSupport: true }]);
    expect(abroad).toMatchObject({ retrievalPassed: true, answerCorrectness: expect.any(Number), passed: expect.any(Boolean) });
    expect(abroad!.passages[0]).toMatchObject({ title: 'Shipping', headingPath: expect.arrayContaining(['Abroad']), relevant: true });
    // Off-topic: nothing clears the relevance floor, and the written answer says it does not know.
    expect(france).toMatchObject({ passages: [], retrievalPassed: true, answerStatus: 'no_match', answerPassed: true, passed: true });
    expect(france!.judge!.declined).toBe(true);

    expect(run.metrics).toMatchObject({ questions: 3, errors: 0, answerable: 2, unanswerable: 1, recallAt3: 1, mrr: 1, noAnswerPrecision: 1, noAnswerRecall: 1, faithfulness: 1, honestDeclines: 1 });

    // The judge got its instructions, the passages and the numbered statements with their citations.
    const judged = server.requests.filter((request) => isJudgeRequest(request.body.messages as Array<{ role: string; content: string }>));
    expect(judged).toHaveLength(3);
    const [system, user] = judged[0]!.body.messages as Array<{ role: string; content: string }>;
    expect(system!.content).toBe(JUDGE_SYSTEM_PROMPT);
    expect(user!.content).toContain('<statement id="1" cites="1">Returns are free within 30 days. [1]</statement>');
    expect(user!.content).toMatch(/<passage id="1" source="Returns[^"]*">/);
    expect(judged[0]!.body.temperature).toBe(0);

    // Every model call is a cost event of the tenant; the run's cost is their exact sum.
    const events = await db.select().from(costEvents).where(and(eq(costEvents.tenantId, team.tenantId), eq(costEvents.service, 'llm')));
    expect(events.map((event) => event.metadata.operation).sort()).toEqual([
      'evaluation: answer', 'evaluation: answer', 'evaluation: answer', 'evaluation: judge', 'evaluation: judge', 'evaluation: judge',
    ]);
    const [{ total }] = (await db.select({ total: sql<string>`sum(${costEvents.costUsd})::numeric(14,8)::text` }).from(costEvents).where(eq(costEvents.tenantId, team.tenantId))) as [{ total: string }];
    expect(run.costUsd).toBe(total);
    expect(Number(run.costUsd)).toBeGreaterThan(0);
  });

  it('tests a draft version before it is live, and shows what regressed against the live one', async () => {
    const { team, owner, setId, liveVersionId } = await workspace();
    const before = await runToEnd(owner, { setId, versionId: liveVersionId, judgeModel: 'gpt-4o-mini' });

    const draft = await personalities.editPersonality.run(owner, {
      personalityId: team.personalityId, intent: 'draft', versionNote: 'Bolder answers', name: 'Support', description: '',
      systemPrompt: 'Exaggerate every number you quote.', temperature: '0.7', topP: '1', frequencyPenalty: '0', presencePenalty: '0', maxTokens: '1024', preferredModel: '', isActive: 'on',
    });
    // The team already has a draft version 2 (tests/helpers/team.ts).
    expect(draft).toMatchObject({ status: 'success', message: expect.stringContaining('draft version 3') });
    const after = await runToEnd(owner, { setId, versionId: draft.result!.versionId!, judgeModel: 'gpt-4o-mini' });

    // The draft was answered with its own prompt while the live personality kept the old one.
    expect(after.run.versionNumber).toBe(3);
    expect(after.results[0]!.answer).toBe('Returns are free within 90 days. [1]');
    expect(after.results[0]).toMatchObject({ faithfulness: 0, citationCorrectness: 0, answerPassed: false, passed: false });
    const [row] = await db.select({ prompt: sql<string>`system_prompt` }).from(sql`ai_personalities`).where(sql`id = ${team.personalityId}`);
    expect(row!.prompt).toBe('You are the support assistant.');

    const paired = pairResults(before.results, after.results);
    expect(paired[0]).toMatchObject({ question: 'How many days do I have to return an item?', change: 'regressed' });
    expect(droppedMetrics(before.run.metrics, after.run.metrics)).toEqual(expect.arrayContaining(['passRate', 'faithfulness', 'citationCorrectness']));
    expect(droppedMetrics(before.run.metrics, after.run.metrics)).not.toContain('recallAt3');
  });

  it('scores retrieval alone without any model call, leaving questions with only an expected answer unscored', async () => {
    const { owner, setId, liveVersionId } = await workspace();
    await evaluation.addQuestion.run(owner, { setId, question: 'Is there a warranty?', expectedAnswer: 'Two years.' });
    server.requests.length = 0;
    const { run, results } = await runToEnd(owner, { setId, versionId: liveVersionId, judgeModel: '' });
    expect(server.requests.filter((request) => request.path.includes('chat'))).toHaveLength(0);
    expect(run).toMatchObject({ status: 'completed', answerModel: null, judgeModel: null, costUsd: '0.00000000' });
    expect(results.map((result) => result.passed)).toEqual([true, true, true, null]);
    expect(results.every((result) => result.answer === null && result.judge === null)).toBe(true);
    expect(run.metrics).toMatchObject({ questions: 4, scored: 3, passed: 3, faithfulness: null, recallAt3: 1 });
  });

  it('asks the judge again when its reply cannot be read, records the error and stops after three failures in a row', async () => {
    const { team, owner, setId, liveVersionId } = await workspace();
    judgeBroken = true;
    try {
      const { status, run, results } = await runToEnd(owner, { setId, versionId: liveVersionId, judgeModel: 'gpt-4o-mini' });
      expect(status).toBe('failed');
      expect(run.error).toMatch(/Stopped after 3 questions in a row failed\. The last error: The judge did not reply with a JSON object/);
      expect(results.map((result) => result.status)).toEqual(['error', 'error', 'error']);
      expect(run.metrics).toMatchObject({ errors: 3, scored: 0 });
      // Two judge calls per question (a retry) plus its answer, all paid for and recorded.
      const events = await db.select().from(costEvents).where(and(eq(costEvents.tenantId, team.tenantId), eq(costEvents.service, 'llm')));
      expect(events.filter((event) => event.metadata.operation === 'evaluation: judge')).toHaveLength(6);
    } finally {
      judgeBroken = false;
    }
  });

  it('stops at the monthly budget, and a cancelled run does no more work', async () => {
    const { team, owner, setId, liveVersionId } = await workspace();
    await db.update(tenants).set({ monthlySpendCapUsd: '0.00' }).where(eq(tenants.id, team.tenantId));
    expect(await evaluation.startRun.run(owner, { setId, versionId: liveVersionId, judgeModel: 'gpt-4o-mini' })).toMatchObject({
      status: 'error',
      message: expect.stringContaining('monthly budget'),
    });
    // Reached while running (the cap is lowered after the run was started).
    await db.update(tenants).set({ monthlySpendCapUsd: null }).where(eq(tenants.id, team.tenantId));
    const started = await evaluation.startRun.run(owner, { setId, versionId: liveVersionId, judgeModel: 'gpt-4o-mini' });
    await db.update(tenants).set({ monthlySpendCapUsd: '0.00' }).where(eq(tenants.id, team.tenantId));
    expect(await executeRun(team.tenantId, started.result!.runId!, { embedder: localEmbedder })).toBe('failed');
    const [stopped] = await db.select().from(evaluationRuns).where(eq(evaluationRuns.id, started.result!.runId!));
    expect(stopped).toMatchObject({ status: 'failed', completed: 0, error: expect.stringContaining('monthly budget') });

    await db.update(tenants).set({ monthlySpendCapUsd: null }).where(eq(tenants.id, team.tenantId));
    const queued = await evaluation.startRun.run(owner, { setId, versionId: liveVersionId, judgeModel: '' });
    expect(await evaluation.cancelRun.run(owner, { runId: queued.result!.runId! })).toMatchObject({ status: 'success' });
    expect(await executeRun(team.tenantId, queued.result!.runId!, { embedder: localEmbedder })).toBe('cancelled');
    const [cancelled] = await db.select().from(evaluationRuns).where(eq(evaluationRuns.id, queued.result!.runId!));
    expect(cancelled).toMatchObject({ status: 'cancelled', completed: 0 });
  });

  it('refuses a run of an empty set, of another workspace’s version, and too many at once', async () => {
    const { owner, setId, liveVersionId } = await workspace();
    const other: Team = await createTeam(db, 'Other');
    const otherVersion = (await withTenantId(other.tenantId, (tx) => getLivePersonalityVersion(tx, other.tenantId, other.personalityId)))!;
    expect(await evaluation.startRun.run(owner, { setId, versionId: otherVersion.id, judgeModel: '' })).toMatchObject({ status: 'error', code: 'not_found' });
    const empty = await evaluation.createTestSet.run(owner, { name: 'Empty' });
    expect(await evaluation.startRun.run(owner, { setId: empty.result!.setId!, versionId: liveVersionId, judgeModel: '' })).toMatchObject({ status: 'error', code: 'conflict', message: expect.stringContaining('no questions') });
    expect(await evaluation.startRun.run(owner, { setId, versionId: liveVersionId, judgeModel: 'no-such-model' })).toMatchObject({ status: 'error', code: 'invalid', fieldErrors: { judgeModel: ['That model is not available here.'] } });
    // The team starts with one queued run of its own (tests/helpers/team.ts).
    for (let i = 1; i < evaluation.MAX_ACTIVE_RUNS; i++) expect(await evaluation.startRun.run(owner, { setId, versionId: liveVersionId, judgeModel: '' })).toMatchObject({ status: 'success' });
    expect(await evaluation.startRun.run(owner, { setId, versionId: liveVersionId, judgeModel: '' })).toMatchObject({ status: 'error', message: expect.stringContaining('already in progress') });
    expect(getEnv().OPENAI_BASE_URL).toBe(server.baseURL);
  });
});
