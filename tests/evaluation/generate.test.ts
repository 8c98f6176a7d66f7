import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as evaluation from '@/app/dashboard/evaluation/mutations';
import { closeDatabase, type Database, getDatabase } from '@/db/client';
import { createDocument } from '@/db/queries/knowledge';
import { closeQueue } from '@/db/queue';
import { costEvents, evaluationQuestions, evaluationSets } from '@/db/schema';
import { withTenantId } from '@/db/withTenant';
import { GENERATION_SYSTEM_PROMPT, generateCandidateQuestions, parseCandidate } from '@/lib/evaluation/generate';
import { localEmbedder } from '@/lib/knowledge/embedders';
import { ingestDocument } from '@/lib/knowledge/ingest';
import { fakeQuestionWriter } from '../helpers/fake-models';
import { type OpenAiTestServer, startOpenAiServer } from '../helpers/openai-server';
import { createTeam } from '../helpers/team';

const GUIDE = `# Care guide

## Cleaning
Wipe the kettle with a damp cloth and descale it every month with white vinegar to keep it quiet.

## Storage
Store the kettle dry and unplugged in a cupboard away from children, with the lid left slightly open.

## Warranty
Every kettle carries a two-year warranty covering the heating element and the switch, but not limescale damage.`;

describe('candidate questions written from the knowledge', () => {
  let server: OpenAiTestServer;
  let db: Database;
  beforeAll(async () => {
    server = await startOpenAiServer({ answer: ({ messages }) => fakeQuestionWriter(messages) });
    process.env.OPENAI_API_KEY = 'test-key';
    process.env.OPENAI_BASE_URL = server.baseURL;
    ({ db } = await getDatabase());
  });
  afterAll(async () => {
    await closeQueue();
    await server.close();
    await closeDatabase();
  });

  it('reads a model’s candidate leniently and drops what it cannot use', () => {
    expect(parseCandidate('Sure! {"question": "How do I clean it?", "answer": "With a damp cloth."}')).toEqual({ question: 'How do I clean it?', answer: 'With a damp cloth.' });
    expect(parseCandidate('{"question": null, "answer": null}')).toBeNull();
    expect(parseCandidate('{"question": "Hi", "answer": "x"}')).toBeNull();
    expect(parseCandidate('no JSON here')).toBeNull();
  });

  it('writes candidates labelled with their document, section and answer, costs each call, and skips questions the set already has', async () => {
    const team = await createTeam(db);
    const { tenantId } = team;
    const guide = await withTenantId(tenantId, (tx) => createDocument(tx, { tenantId, title: 'Kettle care', sourceType: 'text', content: GUIDE }));
    await ingestDocument(tenantId, guide.id, localEmbedder);
    const owner = { userId: team.users.owner, tenantId };
    expect(await evaluation.generateQuestions.run(owner, { setId: team.evaluationSetId, count: '3', modelId: 'gpt-4o-mini' })).toMatchObject({ status: 'success' });
    const queued = (await db.select().from(evaluationSets).where(eq(evaluationSets.id, team.evaluationSetId)))[0]!;
    expect(queued.generation).toMatchObject({ status: 'queued', requested: 3, produced: 0 });
    // A second request while one is pending is refused.
    expect(await evaluation.generateQuestions.run(owner, { setId: team.evaluationSetId, count: '3', modelId: 'gpt-4o-mini' })).toMatchObject({ status: 'error', code: 'conflict' });

    const state = await generateCandidateQuestions({ tenantId, setId: team.evaluationSetId, count: 3, modelId: 'gpt-4o-mini' });
    expect(state, JSON.stringify(state)).toMatchObject({ status: 'completed', requested: 3, produced: 3 });
    const requests = server.requests.filter((request) => request.path === '/v1/chat/completions');
    expect((requests[0]!.body.messages as Array<{ content: string }>)[0]!.content).toBe(GENERATION_SYSTEM_PROMPT);

    const candidates = await db
      .select()
      .from(evaluationQuestions)
      .where(and(eq(evaluationQuestions.setId, team.evaluationSetId), eq(evaluationQuestions.origin, 'generated'), eq(evaluationQuestions.status, 'candidate')));
    const fromGuide = candidates.filter((candidate) => candidate.expectedSources[0]?.documentId === guide.id);
    expect(fromGuide.length).toBeGreaterThanOrEqual(2);
    for (const candidate of fromGuide) {
      expect(candidate.question).toMatch(/^What should I know about .+\?$/);
      expect(candidate.expectedSources[0]).toMatchObject({ title: 'Kettle care', section: expect.stringMatching(/^(Cleaning|Storage|Warranty)$/) });
      expect(GUIDE).toContain(candidate.expectedAnswer!);
    }
    const calls = await db.select().from(costEvents).where(and(eq(costEvents.tenantId, tenantId), eq(costEvents.service, 'llm')));
    expect(calls.length).toBe(requests.length);
    expect(calls.every((call) => call.metadata.operation === 'evaluation: generate questions')).toBe(true);

    // Accepting all moves them into the set.
    expect(await evaluation.settleAllCandidates.run(owner, { setId: team.evaluationSetId, decision: 'accept' })).toMatchObject({ status: 'success' });
    const active = await db.select().from(evaluationQuestions).where(and(eq(evaluationQuestions.setId, team.evaluationSetId), eq(evaluationQuestions.status, 'active')));
    // The team's own question, plus every candidate (the team's generated one included).
    expect(active.length).toBe(1 + candidates.length);
  });

  it('says why when there is nothing to ask about', async () => {
    const team = await createTeam(db);
    const state = await generateCandidateQuestions({ tenantId: team.tenantId, setId: team.evaluationSetId, count: 2, modelId: 'gpt-4o-mini' });
    expect(state).toMatchObject({ status: 'failed', error: 'No indexed passage is long enough to ask about yet. Add knowledge first.' });
  });
});
