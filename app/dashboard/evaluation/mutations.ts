import 'server-only';
import { and, eq, inArray } from 'drizzle-orm';
import { z } from 'zod';
import {
  createEvaluationSet,
  createRun,
  deleteEvaluationSet,
  deleteQuestion,
  deleteRun,
  getEvaluationSet,
  getQuestion,
  getRun,
  insertQuestions,
  listActiveQuestions,
  listDocumentTitles,
  listQuestionTexts,
  listResults,
  settleCandidates,
  updateEvaluationSet,
  updateQuestion,
  updateRun,
} from '@/db/queries/evaluation';
import { getPersonalityById, getPersonalityVersion } from '@/db/queries/personalities';
import { enqueueEvaluationRun, enqueueQuestionGeneration } from '@/db/queue';
import { evaluationRuns, type ExpectedSource, knowledgeDocuments } from '@/db/schema';
import type { Transaction } from '@/db/withTenant';
import { ActionError, defineAction } from '@/lib/actions/define-action';
import { availableModels, resolveModel } from '@/lib/ai/models';
import { getSpendCapStatus } from '@/lib/costs/budget';
import { MAX_GENERATED_QUESTIONS } from '@/lib/evaluation/generate';
import { summarizeResults } from '@/lib/evaluation/scoring';
import { expectationProblem, expectedAnswerText, MAX_IMPORT_BYTES, parseQuestionsCsv, questionText, sectionText } from '@/lib/evaluation/questions';

const setId = z.uuid('Unknown test set.');
const questionId = z.uuid('Unknown question.');
const runId = z.uuid('Unknown run.');
const checkbox = z.preprocess((value) => value === 'on' || value === 'true' || value === true, z.boolean());

/** Runs queued or running at once per workspace: each one spends model calls. */
export const MAX_ACTIVE_RUNS = 3;

const setFields = z.object({
  name: z.string().trim().min(1, 'Give the test set a name.').max(80, 'At most 80 characters.'),
  description: z
    .string()
    .trim()
    .max(300, 'At most 300 characters.')
    .default('')
    .transform((value) => value || null),
});

function conflictOnDuplicateSetName(error: unknown): never {
  if (error instanceof Error && /evaluation_sets_tenant_name_idx/.test(`${error.message} ${String((error as { cause?: unknown }).cause)}`)) {
    throw new ActionError('Another test set already has that name.', 'conflict', { name: ['Another test set already has that name.'] });
  }
  throw error;
}

async function requireSet(tx: Transaction, tenantId: string, id: string) {
  const set = await getEvaluationSet(tx, tenantId, id);
  if (!set) throw new ActionError('That test set was not found.', 'not_found');
  return set;
}

export const createTestSet = defineAction({
  permission: 'evaluation:manage',
  input: setFields,
  handler: async (tx, { tenantId, userId }, values) => {
    const set = await createEvaluationSet(tx, { tenantId, ...values, createdBy: userId }).catch(conflictOnDuplicateSetName);
    return { message: `${set.name} created. Add its questions next.`, result: { setId: set.id } };
  },
});

export const updateTestSet = defineAction({
  permission: 'evaluation:manage',
  input: setFields.extend({ setId }),
  handler: async (tx, { tenantId }, { setId, ...values }) => {
    await requireSet(tx, tenantId, setId);
    await updateEvaluationSet(tx, tenantId, setId, values).catch(conflictOnDuplicateSetName);
    return { message: 'Test set saved.' };
  },
});

export const deleteTestSet = defineAction({
  permission: 'evaluation:manage',
  input: z.object({ setId }),
  handler: async (tx, { tenantId }, { setId }) => {
    const set = await requireSet(tx, tenantId, setId);
    await deleteEvaluationSet(tx, tenantId, setId);
    return { message: `${set.name} and its runs deleted.` };
  },
});

// ---- Questions ----

const questionFields = z.object({
  question: questionText,
  expectedAnswer: expectedAnswerText,
  // Several documents arrive as one comma-separated field (see actions.ts).
  documentIds: z
    .string()
    .default('')
    .transform((value) => value.split(',').map((id) => id.trim()).filter(Boolean))
    .pipe(z.array(z.uuid('Unknown document.')).max(10, 'At most 10 documents.')),
  section: sectionText,
  unanswerable: checkbox,
});

/** The expected passages of a question, checked against the tenant's own documents. */
async function expectedSources(tx: Transaction, tenantId: string, input: z.output<typeof questionFields>): Promise<ExpectedSource[]> {
  const problem = expectationProblem({ ...input, documentCount: input.documentIds.length });
  if (problem) throw new ActionError(problem, 'invalid', { [input.unanswerable || input.section ? 'unanswerable' : 'documentIds']: [problem] });
  if (input.documentIds.length === 0) return [];
  const documents = await tx
    .select({ id: knowledgeDocuments.id, title: knowledgeDocuments.title })
    .from(knowledgeDocuments)
    .where(and(eq(knowledgeDocuments.tenantId, tenantId), inArray(knowledgeDocuments.id, input.documentIds)));
  if (documents.length !== new Set(input.documentIds).size) throw new ActionError('Choose documents from your knowledge.', 'not_found', { documentIds: ['Choose documents from your knowledge.'] });
  return documents.map((document) => ({ documentId: document.id, title: document.title, ...(input.section ? { section: input.section } : {}) }));
}

export const addQuestion = defineAction({
  permission: 'evaluation:manage',
  input: questionFields.extend({ setId }),
  handler: async (tx, { tenantId }, input) => {
    await requireSet(tx, tenantId, input.setId);
    const sources = await expectedSources(tx, tenantId, input);
    if ((await listQuestionTexts(tx, tenantId, input.setId)).has(input.question.toLowerCase())) {
      throw new ActionError('This test set already has that question.', 'conflict', { question: ['This test set already has that question.'] });
    }
    const [question] = await insertQuestions(tx, [
      { tenantId, setId: input.setId, question: input.question, expectedAnswer: input.expectedAnswer, expectedSources: sources, unanswerable: input.unanswerable },
    ]);
    await updateEvaluationSet(tx, tenantId, input.setId, {});
    return { message: 'Question added.', result: { questionId: question!.id } };
  },
});

export const editQuestion = defineAction({
  permission: 'evaluation:manage',
  input: questionFields.extend({ questionId }),
  handler: async (tx, { tenantId }, input) => {
    const current = await getQuestion(tx, tenantId, input.questionId);
    if (!current) throw new ActionError('That question was not found.', 'not_found');
    const sources = await expectedSources(tx, tenantId, input);
    await updateQuestion(tx, tenantId, input.questionId, { question: input.question, expectedAnswer: input.expectedAnswer, expectedSources: sources, unanswerable: input.unanswerable });
    return { message: 'Question saved. Runs from now on use it as it is now.' };
  },
});

export const removeQuestion = defineAction({
  permission: 'evaluation:manage',
  input: z.object({ questionId }),
  handler: async (tx, { tenantId }, { questionId }) => {
    if (!(await deleteQuestion(tx, tenantId, questionId))) throw new ActionError('That question was not found.', 'not_found');
    return { message: 'Question deleted. Earlier runs keep their copy of it.' };
  },
});

export const acceptCandidate = defineAction({
  permission: 'evaluation:manage',
  input: z.object({ questionId }),
  handler: async (tx, { tenantId }, { questionId }) => {
    const question = await getQuestion(tx, tenantId, questionId);
    if (!question || question.status !== 'candidate') throw new ActionError('That candidate question was not found.', 'not_found');
    await updateQuestion(tx, tenantId, questionId, { status: 'active' });
    return { message: 'Added to the test set.' };
  },
});

export const settleAllCandidates = defineAction({
  permission: 'evaluation:manage',
  input: z.object({ setId, decision: z.enum(['accept', 'reject']) }),
  handler: async (tx, { tenantId }, { setId, decision }) => {
    await requireSet(tx, tenantId, setId);
    const settled = await settleCandidates(tx, tenantId, setId, decision);
    if (settled === 0) throw new ActionError('There are no candidate questions to review.', 'conflict');
    return { message: `${settled} candidate question${settled === 1 ? '' : 's'} ${decision === 'accept' ? 'added to the test set' : 'discarded'}.` };
  },
});

export const importQuestions = defineAction({
  permission: 'evaluation:manage',
  input: z.object({
    setId,
    file: z
      .instanceof(File, { message: 'Choose a CSV file.' })
      .refine((file) => file.size > 0, 'Choose a CSV file (this one is empty).')
      .refine((file) => file.size <= MAX_IMPORT_BYTES, `At most ${MAX_IMPORT_BYTES / 1024} KB per file.`),
  }),
  handler: async (tx, { tenantId }, { setId, file }) => {
    await requireSet(tx, tenantId, setId);
    const text = new TextDecoder('utf-8', { fatal: false }).decode(await file.arrayBuffer());
    const { questions, errors } = parseQuestionsCsv(text, await listDocumentTitles(tx, tenantId), await listQuestionTexts(tx, tenantId, setId));
    if (errors.length) {
      throw new ActionError(`Nothing was imported: ${errors.length === 1 ? 'the file has a problem' : 'some rows have problems'}. Fix ${errors.length === 1 ? 'it' : 'them'} and import the file again.`, 'invalid', { file: errors });
    }
    await insertQuestions(tx, questions.map((question) => ({ ...question, tenantId, setId, origin: 'import' as const })));
    await updateEvaluationSet(tx, tenantId, setId, {});
    return { message: `${questions.length} question${questions.length === 1 ? '' : 's'} imported.` };
  },
});

// ---- Model-backed work: question generation and runs ----

const modelId = z
  .string()
  .trim()
  .refine((value) => availableModels().some((model) => model.id === value), 'That model is not available here.');

async function refuseOverBudget(tx: Transaction, tenantId: string) {
  if ((await getSpendCapStatus(tx, tenantId)).reached) {
    throw new ActionError('This workspace has reached its monthly budget: raise it under Costs to run model calls again.', 'conflict');
  }
}

export const generateQuestions = defineAction({
  permission: 'evaluation:run',
  input: z.object({
    setId,
    count: z.coerce
      .number({ error: 'Enter how many questions to write.' })
      .int('Enter a whole number.')
      .min(1, 'At least 1 question.')
      .max(MAX_GENERATED_QUESTIONS, `At most ${MAX_GENERATED_QUESTIONS} at a time.`),
    modelId,
  }),
  handler: async (tx, { tenantId }, { setId, count, modelId }) => {
    const set = await requireSet(tx, tenantId, setId);
    if (set.generation && (set.generation.status === 'queued' || set.generation.status === 'running') && Date.now() - Date.parse(set.generation.updatedAt) < 15 * 60_000) {
      throw new ActionError('Questions are already being written for this set: wait for them to finish.', 'conflict');
    }
    await refuseOverBudget(tx, tenantId);
    await updateEvaluationSet(tx, tenantId, setId, { generation: { status: 'queued', requested: count, produced: 0, model: modelId, updatedAt: new Date().toISOString() } });
    return {
      message: `Writing ${count} candidate question${count === 1 ? '' : 's'} from your knowledge. Review them below when they are ready.`,
      afterCommit: () => enqueueQuestionGeneration({ tenantId, setId, count, modelId }),
    };
  },
});

export const startRun = defineAction({
  permission: 'evaluation:run',
  input: z.object({
    setId,
    versionId: z.uuid('Choose the personality version to test.'),
    // Empty: retrieval only. Otherwise answers are written by the version's model and graded by this one.
    judgeModel: z
      .string()
      .trim()
      .default('')
      .refine((value) => value === '' || availableModels().some((model) => model.id === value), 'That model is not available here.')
      .transform((value) => value || null),
  }),
  handler: async (tx, { tenantId, userId }, { setId, versionId, judgeModel }) => {
    const set = await requireSet(tx, tenantId, setId);
    const version = await getPersonalityVersion(tx, tenantId, versionId);
    const personality = version && (await getPersonalityById(tx, tenantId, version.personalityId));
    if (!version || !personality) throw new ActionError('That personality version was not found.', 'not_found');
    const questions = await listActiveQuestions(tx, tenantId, setId);
    if (questions.length === 0) throw new ActionError(`${set.name} has no questions yet: add some first.`, 'conflict');
    const active = await tx
      .select({ id: evaluationRuns.id })
      .from(evaluationRuns)
      .where(and(eq(evaluationRuns.tenantId, tenantId), inArray(evaluationRuns.status, ['queued', 'running'])));
    if (active.length >= MAX_ACTIVE_RUNS) throw new ActionError(`${active.length} runs are already in progress: wait for one to finish.`, 'conflict');
    const answerModel = judgeModel ? (resolveModel(version.preferredModel)?.id ?? null) : null;
    if (judgeModel) await refuseOverBudget(tx, tenantId);
    const run = await createRun(
      tx,
      {
        tenantId,
        setId,
        personalityId: personality.id,
        personalityVersionId: version.id,
        personalityName: personality.name,
        versionNumber: version.version,
        answerModel,
        judgeModel,
        createdBy: userId,
      },
      questions.map((question) => ({
        questionId: question.id,
        question: question.question,
        expectedAnswer: question.expectedAnswer,
        expectedSources: question.expectedSources,
        unanswerable: question.unanswerable,
      })),
    );
    return {
      message: `Run started: ${questions.length} question${questions.length === 1 ? '' : 's'} against ${personality.name} version ${version.version}.`,
      result: { runId: run.id },
      afterCommit: () => enqueueEvaluationRun({ tenantId, runId: run.id }),
    };
  },
});

export const cancelRun = defineAction({
  permission: 'evaluation:run',
  input: z.object({ runId }),
  handler: async (tx, { tenantId }, { runId }) => {
    const run = await getRun(tx, tenantId, runId);
    if (!run) throw new ActionError('That run was not found.', 'not_found');
    if (run.status !== 'queued' && run.status !== 'running') throw new ActionError('This run has already ended.', 'conflict');
    await updateRun(tx, tenantId, runId, { status: 'cancelled', finishedAt: new Date(), metrics: summarizeResults(await listResults(tx, tenantId, runId)) });
    return { message: 'Run cancelled. The questions it finished are kept.' };
  },
});

export const removeRun = defineAction({
  permission: 'evaluation:manage',
  input: z.object({ runId }),
  handler: async (tx, { tenantId }, { runId }) => {
    if (!(await deleteRun(tx, tenantId, runId))) throw new ActionError('That run was not found.', 'not_found');
    return { message: 'Run deleted.' };
  },
});
