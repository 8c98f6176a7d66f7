import 'server-only';
import {
  addResultCost,
  countSearchableKnowledge,
  getRun,
  listResults,
  nextPendingResult,
  saveResult,
  updateRun,
} from '@/db/queries/evaluation';
import { getPersonalityVersion } from '@/db/queries/personalities';
import type { EvaluationResult, EvaluationRunStatus, JudgeVerdict, NewEvaluationResult, PersonalityVersion, RetrievedPassage } from '@/db/schema';
import { withTenantId } from '@/db/withTenant';
import { availableModels, type ModelInfo } from '@/lib/ai/models';
import { PASSAGES_PER_REPLY } from '@/lib/ai/reply-policy';
import { excerpt } from '@/lib/ai/retrieval-only';
import { assertWithinSpendCap, SpendCapReachedError } from '@/lib/costs/budget';
import { type Env, getEnv } from '@/lib/env';
import { configuredEmbedder, type Embedder } from '@/lib/knowledge/embedders';
import { embedQuery, searchKnowledge } from '@/lib/knowledge/retrieve';
import { answerAsVersion, promptPassages } from './answer';
import { JUDGE_SYSTEM_PROMPT, JudgeReplyError, judgePrompt, parseJudgeReply, scoreVerdict, splitStatements } from './judge';
import { answersFrom, firstRelevantRank } from './metrics';
import { completeText, type ModelCall, recordCall } from './model-call';
import { answerPassed, overallPassed, retrievalPassed, summarizeResults } from './scoring';

// An evaluation run, worked by the job queue: each pending question in turn is retrieved for,
// answered as the tested personality version would (when the run writes answers) and graded by
// the judge model; each outcome and its costs are committed on their own, so progress shows
// while it runs and a worker that dies mid-run leaves a run the retried job simply continues.

/** A provider that fails this many questions in a row is down: the run stops instead of failing every question. */
export const MAX_CONSECUTIVE_FAILURES = 3;
/** Room for the judge's JSON on a long answer (about 40 tokens per statement). */
const JUDGE_MAX_OUTPUT_TOKENS = 2_000;
/** A judge reply that cannot be read is asked for once more before the question counts as an error. */
const JUDGE_ATTEMPTS = 2;
const QUERY_EMBEDDING_TIMEOUT_MS = 15_000;

type RunContext = {
  tenantId: string;
  runId: string;
  version: PersonalityVersion;
  answerModel?: ModelInfo;
  judgeModel?: ModelInfo;
  embedder: Embedder;
  env: Env;
};

type Outcome = Omit<Partial<NewEvaluationResult>, 'id' | 'tenantId' | 'runId'>;

async function judgeAnswer(context: RunContext, question: EvaluationResult, answer: string, hits: Parameters<typeof promptPassages>[0], calls: ModelCall[]): Promise<JudgeVerdict> {
  const passages = promptPassages(hits);
  const statements = splitStatements(answer, passages.length);
  const prompt = judgePrompt({ question: question.question, passages, statements, expectedAnswer: question.expectedAnswer });
  let problem: JudgeReplyError | undefined;
  for (let attempt = 0; attempt < JUDGE_ATTEMPTS; attempt++) {
    const { text, call } = await completeText(
      context.judgeModel!,
      { system: JUDGE_SYSTEM_PROMPT, messages: [{ role: 'user', content: prompt }], temperature: 0, maxOutputTokens: JUDGE_MAX_OUTPUT_TOKENS, operation: 'evaluation: judge' },
      context.env,
    );
    calls.push(call);
    try {
      return parseJudgeReply(text, statements, Boolean(question.expectedAnswer));
    } catch (error) {
      if (!(error instanceof JudgeReplyError)) throw error;
      problem = error;
    }
  }
  throw problem!;
}

async function evaluateQuestion(context: RunContext, question: EvaluationResult, calls: ModelCall[]): Promise<Outcome> {
  const startedAt = performance.now();
  const { tenantId, embedder } = context;
  const query = await embedQuery(question.question, embedder, AbortSignal.timeout(QUERY_EMBEDDING_TIMEOUT_MS));
  const hits = await withTenantId(tenantId, (tx) => searchKnowledge(tx, query, { tenantId, limit: PASSAGES_PER_REPLY, operation: 'evaluation: retrieve' }));
  const relevant = answersFrom(question.expectedSources);
  const passages: RetrievedPassage[] = hits.map((hit) => ({
    documentId: hit.documentId,
    chunkId: hit.chunkId,
    title: hit.title,
    headingPath: hit.headingPath,
    excerpt: excerpt(hit.content, 400),
    score: hit.score,
    relevant: question.expectedSources.length > 0 && relevant(hit),
  }));
  const rank = question.expectedSources.length ? firstRelevantRank(hits, relevant) : null;
  const retrieval = retrievalPassed(question, rank, hits.length);
  const found = { passages, firstRelevantRank: rank, retrievalPassed: retrieval };
  if (!context.answerModel) return { ...found, passed: overallPassed(retrieval), latencyMs: Math.round(performance.now() - startedAt) };

  const answer = await answerAsVersion(context.version, context.answerModel, question.question, hits, context.env);
  if (answer.call) calls.push(answer.call);
  // The personality's own "I don't know" (no model call) needs no judge.
  const verdict = answer.modelWritten ? await judgeAnswer(context, question, answer.content, hits, calls) : null;
  const scores = verdict ? scoreVerdict(verdict) : null;
  const answered = answerPassed(question, { answerStatus: answer.answerStatus, declined: verdict ? verdict.declined : answer.answerStatus === 'no_match', scores });
  return {
    ...found,
    answer: answer.content,
    answerStatus: answer.answerStatus,
    judge: verdict,
    faithfulness: scores?.faithfulness ?? null,
    citationCorrectness: scores?.citationCorrectness ?? null,
    answerCorrectness: scores?.answerCorrectness ?? null,
    answerPassed: answered,
    passed: overallPassed(retrieval, answered),
    latencyMs: Math.round(performance.now() - startedAt),
  };
}

function describe(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).slice(0, 500);
}

/** Ends the run with its scores over every finished question. */
async function finishRun(tenantId: string, runId: string, status: 'completed' | 'failed', error: string | null = null) {
  await withTenantId(tenantId, async (tx) => {
    const metrics = summarizeResults(await listResults(tx, tenantId, runId));
    await updateRun(tx, tenantId, runId, { status, metrics, error, finishedAt: new Date() });
  });
  return status;
}

/** Works a run to its end (or until it is cancelled); returns its final status. */
export async function executeRun(tenantId: string, runId: string, options: { env?: Env; embedder?: Embedder } = {}): Promise<EvaluationRunStatus | 'missing'> {
  const env = options.env ?? getEnv();
  const embedder = options.embedder ?? configuredEmbedder();
  const start = await withTenantId(tenantId, async (tx) => {
    const run = await getRun(tx, tenantId, runId);
    if (!run || (run.status !== 'queued' && run.status !== 'running')) return { run, version: undefined };
    const version = run.personalityVersionId ? await getPersonalityVersion(tx, tenantId, run.personalityVersionId) : undefined;
    const knowledge = run.knowledge ?? { ...(await countSearchableKnowledge(tx, tenantId)), embeddingModel: embedder.model };
    return { run: await updateRun(tx, tenantId, runId, { status: 'running', startedAt: run.startedAt ?? new Date(), knowledge }), version };
  });
  if (!start.run) return 'missing';
  if (start.run.status !== 'running') return start.run.status;
  const { run, version } = start;
  if (!version) return finishRun(tenantId, runId, 'failed', 'The personality version this run tests was deleted.');
  const models = availableModels(env);
  const answerModel = run.answerModel ? models.find((model) => model.id === run.answerModel) : undefined;
  const judgeModel = run.judgeModel ? models.find((model) => model.id === run.judgeModel) : undefined;
  if (run.answerModel && !answerModel) return finishRun(tenantId, runId, 'failed', `The model ${run.answerModel} is no longer configured on this deployment.`);
  if (run.judgeModel && !judgeModel) return finishRun(tenantId, runId, 'failed', `The judge model ${run.judgeModel} is no longer configured on this deployment.`);
  const context: RunContext = { tenantId, runId, version, answerModel, judgeModel, embedder, env };
  const spends = Boolean(answerModel) || embedder.billed;

  let failuresInARow = 0;
  for (;;) {
    const next = await withTenantId(tenantId, async (tx) => {
      const current = await getRun(tx, tenantId, runId);
      // Cancelled (or deleted) while running: stop without touching it.
      if (current?.status !== 'running') return { kind: 'stop' as const, status: current?.status ?? ('missing' as const) };
      if (spends) await assertWithinSpendCap(tx, tenantId);
      return { kind: 'question' as const, question: await nextPendingResult(tx, tenantId, runId) };
    }).catch((error: unknown) => {
      if (error instanceof SpendCapReachedError) return { kind: 'budget' as const };
      throw error;
    });
    if (next.kind === 'budget') return finishRun(tenantId, runId, 'failed', 'Stopped: this workspace has reached its monthly budget. Raise the budget under Costs to run the rest.');
    if (next.kind === 'stop') return next.status;
    if (!next.question) break;
    const question = next.question;
    const calls: ModelCall[] = [];
    let outcome: Outcome & { status: 'done' | 'error' };
    try {
      outcome = { ...(await evaluateQuestion(context, question, calls)), status: 'done' };
      failuresInARow = 0;
    } catch (error) {
      console.error('Evaluation question failed', { tenantId, runId, position: question.position, error: describe(error) });
      outcome = { status: 'error', error: describe(error), passed: null };
      failuresInARow++;
    }
    // The calls' costs are recorded whatever happened to the question.
    await withTenantId(tenantId, async (tx) => {
      for (const call of calls) await addResultCost(tx, tenantId, question, await recordCall(tx, tenantId, call));
      await saveResult(tx, tenantId, question, outcome);
    });
    if (failuresInARow >= MAX_CONSECUTIVE_FAILURES) {
      return finishRun(tenantId, runId, 'failed', `Stopped after ${MAX_CONSECUTIVE_FAILURES} questions in a row failed. The last error: ${outcome.error}`);
    }
  }
  return finishRun(tenantId, runId, 'completed');
}
