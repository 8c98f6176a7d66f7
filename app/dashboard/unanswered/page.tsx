import type { Metadata } from 'next';
import Link from 'next/link';
import { z } from 'zod';
import { Card } from '@/components/ui/card';
import { getDocument } from '@/db/queries/knowledge';
import { listUnansweredQuestions, type UnansweredReason } from '@/db/queries/unanswered';
import { can } from '@/lib/auth/permissions';
import { withDashboardTenant } from '@/lib/auth/session';
import { groupQuestions, REASON_LABELS, UNANSWERED_LIST_LIMIT } from '@/lib/unanswered/grouping';
import { AnswerForm } from './answer-form';

export const metadata: Metadata = { title: 'Unanswered questions' };

const dateTime = new Intl.DateTimeFormat('en-US', { dateStyle: 'medium', timeStyle: 'short' });
const link = 'text-indigo-600 hover:underline dark:text-indigo-400';

const REASON_TONES: Record<UnansweredReason, string> = {
  no_match: 'bg-amber-50 text-amber-800 ring-amber-200 dark:bg-amber-950 dark:text-amber-200 dark:ring-amber-900',
  uncited: 'bg-orange-50 text-orange-800 ring-orange-200 dark:bg-orange-950 dark:text-orange-200 dark:ring-orange-900',
  thumbs_down: 'bg-red-50 text-red-800 ring-red-200 dark:bg-red-950 dark:text-red-200 dark:ring-red-900',
  handoff: 'bg-sky-50 text-sky-800 ring-sky-200 dark:bg-sky-950 dark:text-sky-200 dark:ring-sky-900',
};

function ReasonBadge({ reason }: { reason: UnansweredReason }) {
  return <span className={`inline-flex rounded-full px-2 py-0.5 text-xs font-medium ring-1 ring-inset ${REASON_TONES[reason]}`}>{REASON_LABELS[reason]}</span>;
}

export default async function UnansweredPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const answeredId = z.uuid().safeParse((await searchParams).answered);
  const { questions, canAnswer, answered } = await withDashboardTenant(async (tx, context) => ({
    questions: await listUnansweredQuestions(tx, context.tenantId, UNANSWERED_LIST_LIMIT),
    canAnswer: can(context.role, 'knowledge:manage'),
    answered: answeredId.success ? await getDocument(tx, context.tenantId, answeredId.data) : undefined,
  }));
  const groups = groupQuestions(questions);

  return (
    <div className="flex flex-col gap-6">
      <div>
        <h1 className="text-2xl font-semibold">Unanswered questions</h1>
        <p className="mt-1 text-sm text-slate-600 dark:text-slate-400">
          What visitors asked that the assistant could not answer from your knowledge, answered without citing it, got a thumbs-down for, or handed to a
          person. Similar questions are grouped; add an answer once and the assistant uses it from then on.
        </p>
      </div>

      {answered && (
        <div role="status" className="rounded-md border border-emerald-200 bg-emerald-50 px-3 py-2 text-sm text-emerald-800 dark:border-emerald-900 dark:bg-emerald-950 dark:text-emerald-200">
          Added “{answered.title}” to the knowledge base{answered.status === 'ready' ? '' : '; the assistant uses it as soon as it is indexed'}.{' '}
          <Link href={`/dashboard/knowledge/${answered.id}`} className="font-medium underline">View the document</Link>
        </div>
      )}

      {groups.length === 0 ? (
        <Card>
          <p className="py-6 text-center text-sm text-slate-600 dark:text-slate-400">
            Nothing unanswered. When the assistant finds nothing in your knowledge for a question, gives an answer that cites nothing, gets a thumbs-down
            or hands a conversation to a person, the question appears here. Try some in the{' '}
            <Link href="/dashboard/playground" className={link}>Playground</Link>, or see what the assistant knows under{' '}
            <Link href="/dashboard/knowledge" className={link}>Knowledge</Link>.
          </p>
        </Card>
      ) : (
        <>
          <p className="text-sm text-slate-600 dark:text-slate-400">
            {questions.length} {questions.length === 1 ? 'question' : 'questions'} in {groups.length} {groups.length === 1 ? 'group' : 'groups'}
            {questions.length >= UNANSWERED_LIST_LIMIT ? ` (the ${UNANSWERED_LIST_LIMIT} most recent)` : ''}, most asked first.
            {!canAnswer && ' Owners and admins can add answers.'}
          </p>
          <ul className="flex flex-col gap-4">
            {groups.map((group) => (
              <li key={group.representative.id} data-testid="unanswered-group">
                <Card>
                  <div className="flex flex-col gap-3">
                    <div className="flex flex-wrap items-start justify-between gap-2">
                      <h2 className="min-w-0 text-base font-semibold break-words text-slate-900 dark:text-slate-100">{group.representative.content}</h2>
                      <span className="text-sm whitespace-nowrap text-slate-500">
                        {group.questions.length === 1 ? 'Asked once' : `Asked ${group.questions.length} times`} · last {dateTime.format(group.lastAskedAt)}
                      </span>
                    </div>
                    <div className="flex flex-wrap gap-1.5">
                      {group.reasons.map((reason) => <ReasonBadge key={reason} reason={reason} />)}
                    </div>
                    <ul className="divide-y divide-slate-100 text-sm dark:divide-slate-800">
                      {group.questions.map((question) => (
                        <li key={question.id} className="flex flex-wrap items-baseline justify-between gap-x-4 gap-y-1 py-2" data-testid="unanswered-question">
                          <span className="min-w-0 flex-1 break-words">{question.content}</span>
                          <span className="flex flex-wrap items-center gap-2 text-xs text-slate-500">
                            {question.reasons.map((reason) => REASON_LABELS[reason]).join(' · ')}
                            <span aria-hidden>·</span>
                            <Link href={`/dashboard/conversations/${question.sessionId}`} className={link}>
                              {dateTime.format(question.askedAt)}
                              <span className="sr-only"> (open the conversation)</span>
                            </Link>
                          </span>
                        </li>
                      ))}
                    </ul>
                    {canAnswer && (
                      <details className="rounded-md border border-slate-200 p-3 dark:border-slate-800">
                        <summary className="cursor-pointer text-sm font-medium text-indigo-700 dark:text-indigo-300">Add an answer</summary>
                        <div className="mt-3">
                          <AnswerForm
                            groupKey={group.representative.id}
                            representative={group.representative.content}
                            questions={group.questions.map(({ id, content }) => ({ id, content }))}
                          />
                        </div>
                      </details>
                    )}
                  </div>
                </Card>
              </li>
            ))}
          </ul>
        </>
      )}
    </div>
  );
}
