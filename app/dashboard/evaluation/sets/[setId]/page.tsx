import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { z } from 'zod';
import { ActionForm } from '@/components/action-form';
import { AutoRefresh } from '@/components/auto-refresh';
import { Card } from '@/components/ui/card';
import { SubmitButton } from '@/components/ui/submit-button';
import { getEvaluationSet, listDocumentTitles, listQuestions, listRuns } from '@/db/queries/evaluation';
import { listAllPersonalityVersions } from '@/db/queries/personalities';
import type { EvaluationQuestion } from '@/db/schema';
import { availableModels, resolveModel } from '@/lib/ai/models';
import { can } from '@/lib/auth/permissions';
import { withDashboardTenant } from '@/lib/auth/session';
import { MAX_GENERATED_QUESTIONS } from '@/lib/evaluation/generate';
import { acceptCandidateAction, deleteTestSetAction, removeQuestionAction, settleAllCandidatesAction } from '../../actions';
import { dateTime, passRate, RunStatus, score } from '../../display';
import { GenerateForm, ImportForm, QuestionForm, RunForm, TestSetForm } from '../../forms';

export const metadata: Metadata = { title: 'Test set' };

const PAGE_SIZE = 50;
const querySchema = z.object({ page: z.coerce.number().int().min(1).max(10_000).default(1).catch(1), version: z.uuid().optional().catch(undefined) });

function Expectation({ question }: { question: EvaluationQuestion }) {
  if (question.unanswerable) return <span className="text-amber-700 dark:text-amber-300">Unanswerable: should get an honest “I don’t know”</span>;
  return (
    <span>
      {question.expectedSources.length > 0 && (
        <>
          From{' '}
          {question.expectedSources.map((source, index) => (
            <span key={`${source.documentId}-${index}`}>
              {index > 0 && ' or '}
              <Link href={`/dashboard/knowledge/${source.documentId}`} className="font-medium hover:underline">{source.title}</Link>
            </span>
          ))}
          {question.expectedSources[0]?.section && <> › {question.expectedSources[0].section}</>}
        </>
      )}
      {question.expectedSources.length > 0 && question.expectedAnswer && ' · '}
      {question.expectedAnswer && <>Expected answer: “{question.expectedAnswer}”</>}
    </span>
  );
}

export default async function TestSetPage({ params, searchParams }: { params: Promise<{ setId: string }>; searchParams: Promise<Record<string, string | undefined>> }) {
  const id = z.uuid().safeParse((await params).setId);
  if (!id.success) notFound();
  const query = querySchema.parse(await searchParams);
  const data = await withDashboardTenant(async (tx, { tenantId, role }) => {
    const set = await getEvaluationSet(tx, tenantId, id.data);
    if (!set) return undefined;
    return {
      set,
      role,
      questions: await listQuestions(tx, tenantId, set.id, { status: 'active', page: query.page, pageSize: PAGE_SIZE }),
      candidates: await listQuestions(tx, tenantId, set.id, { status: 'candidate', page: 1, pageSize: 100 }),
      documents: await listDocumentTitles(tx, tenantId),
      versions: await listAllPersonalityVersions(tx, tenantId),
      runs: await listRuns(tx, tenantId, { setId: set.id, page: 1, pageSize: 10 }),
    };
  });
  if (!data) notFound();
  const { set, role, questions, candidates, documents, versions, runs } = data;
  const canManage = can(role, 'evaluation:manage');
  const canRun = can(role, 'evaluation:run');
  const models = availableModels().map((model) => ({ id: model.id, label: model.label }));
  const documentOptions = documents.map((document) => ({ id: document.id, label: document.status === 'ready' ? document.title : `${document.title} (${document.status})` }));
  const generating = set.generation?.status === 'queued' || set.generation?.status === 'running';
  const busy = generating || runs.rows.some(({ run }) => run.status === 'queued' || run.status === 'running');
  const pages = Math.max(1, Math.ceil(questions.total / PAGE_SIZE));
  const questionValues = (question: EvaluationQuestion) => ({
    id: question.id,
    question: question.question,
    expectedAnswer: question.expectedAnswer,
    documentIds: question.expectedSources.map((source) => source.documentId),
    section: question.expectedSources[0]?.section ?? '',
    unanswerable: question.unanswerable,
  });

  return (
    <div className="flex flex-col gap-6">
      <AutoRefresh active={busy} />
      <div className="flex flex-wrap items-end justify-between gap-4">
        <div>
          <Link href="/dashboard/evaluation" className="text-sm text-indigo-600 hover:underline dark:text-indigo-400">← Evaluation</Link>
          <h1 className="mt-2 text-2xl font-semibold">{set.name}</h1>
          <p className="mt-1 text-sm text-slate-600 dark:text-slate-400">
            {questions.total} question{questions.total === 1 ? '' : 's'}
            {set.description ? ` · ${set.description}` : ''}
          </p>
        </div>
        {questions.total > 0 && (
          <a href={`/dashboard/evaluation/sets/${set.id}/export`} className="text-sm font-medium text-indigo-600 hover:underline dark:text-indigo-400">Export CSV</a>
        )}
      </div>

      {canRun && (
        <Card title="Run this set" description="Each question is searched in your knowledge as the assistant would; with answers, the version writes one and a judge model grades it. Progress shows on the run’s page.">
          {questions.total === 0 ? (
            <p className="text-sm text-slate-600 dark:text-slate-400">Add questions first.</p>
          ) : (
            <RunForm
              setId={set.id}
              versions={versions}
              models={models}
              defaultJudge={resolveModel(null)?.id ?? ''}
              defaultVersionId={versions.some((version) => version.id === query.version) ? query.version : undefined}
            />
          )}
        </Card>
      )}

      <Card title="Runs of this set">
        {runs.rows.length === 0 ? (
          <p className="text-sm text-slate-600 dark:text-slate-400">Not run yet.</p>
        ) : (
          <div className="overflow-x-auto">
            <table className="w-full text-left text-sm">
              <thead className="text-xs text-slate-500 uppercase">
                <tr>
                  <th scope="col" className="py-2 pr-4">Started</th>
                  <th scope="col" className="py-2 pr-4">Personality</th>
                  <th scope="col" className="py-2 pr-4">Status</th>
                  <th scope="col" className="py-2 pr-4">Passed</th>
                  <th scope="col" className="py-2 pr-4">Recall@3</th>
                  <th scope="col" className="py-2 pr-4">MRR</th>
                  <th scope="col" className="py-2 pr-4">Faithfulness</th>
                </tr>
              </thead>
              <tbody className="divide-y divide-slate-200 dark:divide-slate-800">
                {runs.rows.map(({ run }) => (
                  <tr key={run.id} data-testid="run-row">
                    <td className="py-2 pr-4 whitespace-nowrap"><Link href={`/dashboard/evaluation/runs/${run.id}`} className="hover:underline">{dateTime.format(run.createdAt)}</Link></td>
                    <td className="py-2 pr-4">{run.personalityName} v{run.versionNumber}</td>
                    <td className="py-2 pr-4"><RunStatus run={run} /></td>
                    <td className="py-2 pr-4 tabular-nums">{passRate(run.metrics)}</td>
                    <td className="py-2 pr-4 tabular-nums">{score(run.metrics?.recallAt3)}</td>
                    <td className="py-2 pr-4 tabular-nums">{score(run.metrics?.mrr)}</td>
                    <td className="py-2 pr-4 tabular-nums">{score(run.metrics?.faithfulness)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </Card>

      {(candidates.total > 0 || set.generation) && (
        <Card
          title={`Candidate questions to review (${candidates.total})`}
          description="Written by a model from your knowledge. They join the set only when you accept them; edit any that are not quite right."
        >
          {set.generation && (
            <p className="mb-4 text-sm" role="status" data-testid="generation-status">
              {set.generation.status === 'queued' && `Waiting to write ${set.generation.requested} questions…`}
              {set.generation.status === 'running' && `Writing questions with ${set.generation.model}: ${set.generation.produced} of ${set.generation.requested}…`}
              {set.generation.status === 'completed' && `Last generation wrote ${set.generation.produced} of ${set.generation.requested} questions (${set.generation.model}).`}
              {set.generation.status === 'failed' && <span className="text-red-700 dark:text-red-300">Generation stopped after {set.generation.produced} questions: {set.generation.error}</span>}
            </p>
          )}
          {candidates.total > 0 && canManage && (
            <div className="mb-4 flex flex-wrap gap-2">
              <ActionForm action={settleAllCandidatesAction}>
                <input type="hidden" name="setId" value={set.id} />
                <input type="hidden" name="decision" value="accept" />
                <SubmitButton variant="secondary">Accept all</SubmitButton>
              </ActionForm>
              <ActionForm action={settleAllCandidatesAction} confirm="Discard every candidate question?">
                <input type="hidden" name="setId" value={set.id} />
                <input type="hidden" name="decision" value="reject" />
                <SubmitButton variant="ghost">Discard all</SubmitButton>
              </ActionForm>
            </div>
          )}
          <ul className="divide-y divide-slate-200 dark:divide-slate-800">
            {candidates.rows.map((question) => (
              <li key={question.id} className="flex flex-col gap-2 py-3" data-testid="candidate-row">
                <p className="font-medium">{question.question}</p>
                <p className="text-xs text-slate-600 dark:text-slate-400"><Expectation question={question} /></p>
                {canManage && (
                  <div className="flex flex-wrap items-start gap-2">
                    <ActionForm action={acceptCandidateAction}>
                      <input type="hidden" name="questionId" value={question.id} />
                      <SubmitButton variant="secondary">Accept</SubmitButton>
                    </ActionForm>
                    <ActionForm action={removeQuestionAction}>
                      <input type="hidden" name="questionId" value={question.id} />
                      <SubmitButton variant="ghost">Discard</SubmitButton>
                    </ActionForm>
                    <details className="w-full">
                      <summary className="cursor-pointer text-sm text-indigo-600 dark:text-indigo-400">Edit before accepting</summary>
                      <div className="mt-3"><QuestionForm question={questionValues(question)} documents={documentOptions} /></div>
                    </details>
                  </div>
                )}
              </li>
            ))}
          </ul>
        </Card>
      )}

      <Card title={`Questions (${questions.total})`}>
        {questions.rows.length === 0 ? (
          <p className="text-sm text-slate-600 dark:text-slate-400">No questions yet. Add them one by one, import a CSV, or have a model write candidates from your knowledge.</p>
        ) : (
          <ol className="divide-y divide-slate-200 dark:divide-slate-800" start={(query.page - 1) * PAGE_SIZE + 1}>
            {questions.rows.map((question) => (
              <li key={question.id} className="flex flex-col gap-1 py-3" data-testid="question-row">
                <div className="flex flex-wrap items-start justify-between gap-2">
                  <p className="font-medium">{question.question}</p>
                  {question.origin !== 'manual' && <span className="text-xs text-slate-500">{question.origin === 'import' ? 'Imported' : 'Generated'}</span>}
                </div>
                <p className="text-xs text-slate-600 dark:text-slate-400"><Expectation question={question} /></p>
                {canManage && (
                  <div className="flex flex-wrap items-start gap-2">
                    <details className="flex-1">
                      <summary className="cursor-pointer text-sm text-indigo-600 dark:text-indigo-400">Edit</summary>
                      <div className="mt-3"><QuestionForm question={questionValues(question)} documents={documentOptions} /></div>
                    </details>
                    <ActionForm action={removeQuestionAction} confirm="Delete this question? Earlier runs keep their copy.">
                      <input type="hidden" name="questionId" value={question.id} />
                      <SubmitButton variant="ghost" pendingLabel="Deleting…">Delete</SubmitButton>
                    </ActionForm>
                  </div>
                )}
              </li>
            ))}
          </ol>
        )}
        {pages > 1 && (
          <nav className="mt-4 flex items-center justify-between text-sm" aria-label="Question pages">
            {query.page > 1 ? <Link href={`?page=${query.page - 1}`} className="hover:underline">← Previous</Link> : <span />}
            <span className="text-slate-500">Page {query.page} of {pages}</span>
            {query.page < pages ? <Link href={`?page=${query.page + 1}`} className="hover:underline">Next →</Link> : <span />}
          </nav>
        )}
      </Card>

      {canManage && (
        <Card title="Add questions">
          <div className="flex flex-col gap-8">
            <section aria-labelledby="add-one">
              <h3 id="add-one" className="mb-3 text-sm font-semibold">One question</h3>
              <QuestionForm setId={set.id} documents={documentOptions} />
            </section>
            <section aria-labelledby="import" className="border-t border-slate-200 pt-6 dark:border-slate-800">
              <h3 id="import" className="mb-3 text-sm font-semibold">Import a CSV</h3>
              <ImportForm setId={set.id} />
            </section>
            {canRun && (
              <section aria-labelledby="generate" className="border-t border-slate-200 pt-6 dark:border-slate-800">
                <h3 id="generate" className="mb-1 text-sm font-semibold">Write candidates from your knowledge</h3>
                <p className="mb-3 text-xs text-slate-600 dark:text-slate-400">A model reads passages spread over your documents and writes a question each, with the answer and the section it came from. You review them before they join the set.</p>
                {models.length ? (
                  generating ? <p className="text-sm" role="status">Questions are being written; this page updates by itself.</p> : <GenerateForm setId={set.id} models={models} maxQuestions={MAX_GENERATED_QUESTIONS} />
                ) : (
                  <p className="text-sm text-slate-600 dark:text-slate-400">Needs a model: set OPENAI_API_KEY, ANTHROPIC_API_KEY or LLM_BASE_URL.</p>
                )}
              </section>
            )}
          </div>
        </Card>
      )}

      {canManage && (
        <Card title="Test set settings">
          <TestSetForm set={set} />
          <div className="mt-6 border-t border-slate-200 pt-6 dark:border-slate-800">
            <ActionForm action={deleteTestSetAction} confirm={`Delete ${set.name}, its questions and all its runs? This cannot be undone.`}>
              <input type="hidden" name="setId" value={set.id} />
              <SubmitButton variant="danger" pendingLabel="Deleting…">Delete test set</SubmitButton>
            </ActionForm>
          </div>
        </Card>
      )}
    </div>
  );
}
