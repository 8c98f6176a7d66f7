import 'server-only';
import { and, asc, count, desc, eq, inArray, lt, sql } from 'drizzle-orm';
import type { Transaction } from '../client';
import {
  type EvaluationMetrics,
  evaluationQuestions,
  evaluationResults,
  evaluationRuns,
  evaluationSets,
  type EvaluationRun,
  type EvaluationRunStatus,
  knowledgeChunks,
  knowledgeDocuments,
  type NewEvaluationQuestion,
  type NewEvaluationResult,
  type QuestionGenerationState,
} from '../schema';

// ---- Test sets ----

export async function createEvaluationSet(tx: Transaction, values: { tenantId: string; name: string; description: string | null; createdBy: string }) {
  const [set] = await tx.insert(evaluationSets).values(values).returning();
  return set!;
}

/** The tenant's test sets with their question counts and latest run, newest first. */
export async function listEvaluationSets(tx: Transaction, tenantId: string) {
  const questionCount = (status: 'active' | 'candidate') =>
    sql<number>`(select count(*)::int from ${evaluationQuestions} q where q.tenant_id = ${evaluationSets.tenantId} and q.set_id = ${evaluationSets.id} and q.status = ${status})`;
  const sets = await tx
    .select({ set: evaluationSets, questions: questionCount('active'), candidates: questionCount('candidate') })
    .from(evaluationSets)
    .where(eq(evaluationSets.tenantId, tenantId))
    .orderBy(desc(evaluationSets.updatedAt), desc(evaluationSets.id));
  const latest = sets.length
    ? await tx
        .selectDistinctOn([evaluationRuns.setId])
        .from(evaluationRuns)
        .where(and(eq(evaluationRuns.tenantId, tenantId), inArray(evaluationRuns.setId, sets.map((row) => row.set.id))))
        .orderBy(evaluationRuns.setId, desc(evaluationRuns.createdAt))
    : [];
  return sets.map((row) => ({ ...row, latestRun: latest.find((run) => run.setId === row.set.id) }));
}

export async function getEvaluationSet(tx: Transaction, tenantId: string, setId: string) {
  const [set] = await tx.select().from(evaluationSets).where(and(eq(evaluationSets.tenantId, tenantId), eq(evaluationSets.id, setId)));
  return set;
}

export async function updateEvaluationSet(tx: Transaction, tenantId: string, setId: string, values: { name?: string; description?: string | null; generation?: QuestionGenerationState | null }) {
  const [set] = await tx
    .update(evaluationSets)
    .set({ ...values, updatedAt: sql`now()` })
    .where(and(eq(evaluationSets.tenantId, tenantId), eq(evaluationSets.id, setId)))
    .returning();
  return set;
}

export async function deleteEvaluationSet(tx: Transaction, tenantId: string, setId: string) {
  const deleted = await tx
    .delete(evaluationSets)
    .where(and(eq(evaluationSets.tenantId, tenantId), eq(evaluationSets.id, setId)))
    .returning({ id: evaluationSets.id });
  return deleted.length > 0;
}

// ---- Questions ----

export async function listQuestions(
  tx: Transaction,
  tenantId: string,
  setId: string,
  options: { status: 'active' | 'candidate'; page: number; pageSize: number },
) {
  const where = and(eq(evaluationQuestions.tenantId, tenantId), eq(evaluationQuestions.setId, setId), eq(evaluationQuestions.status, options.status));
  const [rows, [total]] = [
    await tx
      .select()
      .from(evaluationQuestions)
      .where(where)
      .orderBy(asc(evaluationQuestions.createdAt), asc(evaluationQuestions.id))
      .limit(options.pageSize)
      .offset((options.page - 1) * options.pageSize),
    await tx.select({ value: count() }).from(evaluationQuestions).where(where),
  ];
  return { rows, total: total?.value ?? 0 };
}

/** Every active question of a set, in the order runs ask them. */
export async function listActiveQuestions(tx: Transaction, tenantId: string, setId: string) {
  return tx
    .select()
    .from(evaluationQuestions)
    .where(and(eq(evaluationQuestions.tenantId, tenantId), eq(evaluationQuestions.setId, setId), eq(evaluationQuestions.status, 'active')))
    .orderBy(asc(evaluationQuestions.createdAt), asc(evaluationQuestions.id));
}

/** Lower-cased question texts already in a set (active or candidate), to skip duplicates. */
export async function listQuestionTexts(tx: Transaction, tenantId: string, setId: string): Promise<Set<string>> {
  const rows = await tx
    .select({ question: evaluationQuestions.question })
    .from(evaluationQuestions)
    .where(and(eq(evaluationQuestions.tenantId, tenantId), eq(evaluationQuestions.setId, setId)));
  return new Set(rows.map((row) => row.question.trim().toLowerCase()));
}

export async function getQuestion(tx: Transaction, tenantId: string, questionId: string) {
  const [question] = await tx
    .select()
    .from(evaluationQuestions)
    .where(and(eq(evaluationQuestions.tenantId, tenantId), eq(evaluationQuestions.id, questionId)));
  return question;
}

export async function insertQuestions(tx: Transaction, rows: NewEvaluationQuestion[]) {
  if (rows.length === 0) return [];
  return tx.insert(evaluationQuestions).values(rows).returning({ id: evaluationQuestions.id });
}

export async function updateQuestion(
  tx: Transaction,
  tenantId: string,
  questionId: string,
  values: Partial<Pick<NewEvaluationQuestion, 'question' | 'expectedAnswer' | 'expectedSources' | 'unanswerable' | 'status'>>,
) {
  const [question] = await tx
    .update(evaluationQuestions)
    .set({ ...values, updatedAt: sql`now()` })
    .where(and(eq(evaluationQuestions.tenantId, tenantId), eq(evaluationQuestions.id, questionId)))
    .returning();
  return question;
}

export async function deleteQuestion(tx: Transaction, tenantId: string, questionId: string) {
  const deleted = await tx
    .delete(evaluationQuestions)
    .where(and(eq(evaluationQuestions.tenantId, tenantId), eq(evaluationQuestions.id, questionId)))
    .returning({ id: evaluationQuestions.id });
  return deleted.length > 0;
}

/** Accepts (status active) or rejects (deletes) every candidate of a set; returns how many. */
export async function settleCandidates(tx: Transaction, tenantId: string, setId: string, decision: 'accept' | 'reject') {
  const where = and(eq(evaluationQuestions.tenantId, tenantId), eq(evaluationQuestions.setId, setId), eq(evaluationQuestions.status, 'candidate'));
  const rows =
    decision === 'accept'
      ? await tx.update(evaluationQuestions).set({ status: 'active', updatedAt: sql`now()` }).where(where).returning({ id: evaluationQuestions.id })
      : await tx.delete(evaluationQuestions).where(where).returning({ id: evaluationQuestions.id });
  return rows.length;
}

/** The tenant's documents by title, for matching expected passages named in a form or a CSV. */
export async function listDocumentTitles(tx: Transaction, tenantId: string) {
  return tx
    .select({ id: knowledgeDocuments.id, title: knowledgeDocuments.title, status: knowledgeDocuments.status })
    .from(knowledgeDocuments)
    .where(eq(knowledgeDocuments.tenantId, tenantId))
    .orderBy(asc(knowledgeDocuments.title));
}

/**
 * Passages to write candidate questions from, spread over documents: first one random passage
 * of each ready document, then a second of each, and so on.
 */
export async function samplePassages(tx: Transaction, tenantId: string, limit: number, minTokens: number) {
  return tx
    .select({
      chunkId: knowledgeChunks.id,
      documentId: knowledgeChunks.documentId,
      title: knowledgeDocuments.title,
      headingPath: knowledgeChunks.headingPath,
      content: knowledgeChunks.content,
    })
    .from(knowledgeChunks)
    .innerJoin(knowledgeDocuments, and(eq(knowledgeDocuments.tenantId, knowledgeChunks.tenantId), eq(knowledgeDocuments.id, knowledgeChunks.documentId)))
    .where(and(eq(knowledgeChunks.tenantId, tenantId), eq(knowledgeDocuments.status, 'ready'), sql`${knowledgeChunks.tokenCount} >= ${minTokens}`))
    .orderBy(sql`row_number() over (partition by ${knowledgeChunks.documentId} order by random())`, sql`random()`)
    .limit(limit);
}

/** How much knowledge a run searches, so differences between runs can be explained. */
export async function countSearchableKnowledge(tx: Transaction, tenantId: string) {
  const [row] = await tx
    .select({ documents: sql<number>`count(*)::int`, chunks: sql<number>`coalesce(sum(${knowledgeDocuments.chunkCount}), 0)::int` })
    .from(knowledgeDocuments)
    .where(and(eq(knowledgeDocuments.tenantId, tenantId), eq(knowledgeDocuments.status, 'ready')));
  return { documents: row?.documents ?? 0, chunks: row?.chunks ?? 0 };
}

// ---- Runs ----

/** A run with one pending result per question, copied from the set as it is now. */
export async function createRun(
  tx: Transaction,
  values: typeof evaluationRuns.$inferInsert,
  questions: Array<Pick<NewEvaluationResult, 'questionId' | 'question' | 'expectedAnswer' | 'expectedSources' | 'unanswerable'>>,
) {
  const [run] = await tx
    .insert(evaluationRuns)
    .values({ ...values, total: questions.length })
    .returning();
  await tx.insert(evaluationResults).values(questions.map((question, position) => ({ ...question, tenantId: values.tenantId, runId: run!.id, position })));
  return run!;
}

export async function listRuns(tx: Transaction, tenantId: string, options: { setId?: string; page: number; pageSize: number }) {
  const where = and(eq(evaluationRuns.tenantId, tenantId), options.setId ? eq(evaluationRuns.setId, options.setId) : undefined);
  const [rows, [total]] = [
    await tx
      .select({ run: evaluationRuns, setName: evaluationSets.name })
      .from(evaluationRuns)
      .innerJoin(evaluationSets, and(eq(evaluationSets.tenantId, evaluationRuns.tenantId), eq(evaluationSets.id, evaluationRuns.setId)))
      .where(where)
      .orderBy(desc(evaluationRuns.createdAt), desc(evaluationRuns.id))
      .limit(options.pageSize)
      .offset((options.page - 1) * options.pageSize),
    await tx.select({ value: count() }).from(evaluationRuns).where(where),
  ];
  return { rows, total: total?.value ?? 0 };
}

export async function getRun(tx: Transaction, tenantId: string, runId: string): Promise<EvaluationRun | undefined> {
  const [run] = await tx.select().from(evaluationRuns).where(and(eq(evaluationRuns.tenantId, tenantId), eq(evaluationRuns.id, runId)));
  return run;
}

/** The latest completed run of the same set before this one: what "before" means for regressions. */
export async function getPreviousCompletedRun(tx: Transaction, tenantId: string, run: EvaluationRun) {
  const [previous] = await tx
    .select()
    .from(evaluationRuns)
    .where(and(eq(evaluationRuns.tenantId, tenantId), eq(evaluationRuns.setId, run.setId), eq(evaluationRuns.status, 'completed'), lt(evaluationRuns.createdAt, run.createdAt)))
    .orderBy(desc(evaluationRuns.createdAt))
    .limit(1);
  return previous;
}

export async function updateRun(
  tx: Transaction,
  tenantId: string,
  runId: string,
  values: Partial<{ status: EvaluationRunStatus; metrics: EvaluationMetrics; error: string | null; knowledge: EvaluationRun['knowledge']; startedAt: Date; finishedAt: Date }>,
) {
  const [run] = await tx
    .update(evaluationRuns)
    .set(values)
    .where(and(eq(evaluationRuns.tenantId, tenantId), eq(evaluationRuns.id, runId)))
    .returning();
  return run;
}

export async function deleteRun(tx: Transaction, tenantId: string, runId: string) {
  const deleted = await tx
    .delete(evaluationRuns)
    .where(and(eq(evaluationRuns.tenantId, tenantId), eq(evaluationRuns.id, runId)))
    .returning({ id: evaluationRuns.id });
  return deleted.length > 0;
}

export async function listResults(tx: Transaction, tenantId: string, runId: string) {
  return tx
    .select()
    .from(evaluationResults)
    .where(and(eq(evaluationResults.tenantId, tenantId), eq(evaluationResults.runId, runId)))
    .orderBy(asc(evaluationResults.position));
}

export async function nextPendingResult(tx: Transaction, tenantId: string, runId: string) {
  const [result] = await tx
    .select()
    .from(evaluationResults)
    .where(and(eq(evaluationResults.tenantId, tenantId), eq(evaluationResults.runId, runId), eq(evaluationResults.status, 'pending')))
    .orderBy(asc(evaluationResults.position))
    .limit(1);
  return result;
}

/** Stores one question's outcome and counts it in the run's progress (once, however often it is retried). */
export async function saveResult(
  tx: Transaction,
  tenantId: string,
  result: { id: string; runId: string },
  values: Omit<Partial<NewEvaluationResult>, 'id' | 'tenantId' | 'runId'> & { status: 'done' | 'error' },
) {
  const [saved] = await tx
    .update(evaluationResults)
    .set({ ...values, completedAt: sql`now()` })
    .where(and(eq(evaluationResults.tenantId, tenantId), eq(evaluationResults.id, result.id), eq(evaluationResults.status, 'pending')))
    .returning({ id: evaluationResults.id });
  if (saved) {
    await tx
      .update(evaluationRuns)
      .set({ completed: sql`${evaluationRuns.completed} + 1` })
      .where(and(eq(evaluationRuns.tenantId, tenantId), eq(evaluationRuns.id, result.runId)));
  }
  return Boolean(saved);
}

/** Adds a model call's cost (a decimal string) to a result and its run, in numeric. */
export async function addResultCost(tx: Transaction, tenantId: string, result: { id: string; runId: string }, costUsd: string) {
  await tx
    .update(evaluationResults)
    .set({ costUsd: sql`${evaluationResults.costUsd} + ${costUsd}::numeric` })
    .where(and(eq(evaluationResults.tenantId, tenantId), eq(evaluationResults.id, result.id)));
  await tx
    .update(evaluationRuns)
    .set({ costUsd: sql`${evaluationRuns.costUsd} + ${costUsd}::numeric` })
    .where(and(eq(evaluationRuns.tenantId, tenantId), eq(evaluationRuns.id, result.runId)));
}
