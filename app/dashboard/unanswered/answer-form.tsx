'use client';

import { useActionState } from 'react';
import { Field, TextArea, TextInput } from '@/components/ui/field';
import { FormMessage } from '@/components/ui/form-message';
import { SubmitButton } from '@/components/ui/submit-button';
import { idleState } from '@/lib/actions/state';
import { answerQuestionsAction } from './actions';

type Question = { id: string; content: string };

/** "Add an answer" for one group: an FAQ entry for the knowledge base, and which questions it answers. */
export function AnswerForm({ groupKey, representative, questions }: { groupKey: string; representative: string; questions: Question[] }) {
  const [state, formAction] = useActionState(answerQuestionsAction, idleState);
  const errors = state.fieldErrors ?? {};
  const prefix = `answer-${groupKey}`;
  const chosen = state.values?.questionIds !== undefined ? new Set(state.values.questionIds.split(',')) : undefined;
  return (
    <form action={formAction} className="flex flex-col gap-4" noValidate>
      <Field label="Question" name="question" id={`${prefix}-question`} errors={errors.question} hint="The FAQ entry's title, as visitors ask it.">
        <TextInput name="question" id={`${prefix}-question`} defaultValue={state.values?.question ?? representative.slice(0, 200)} maxLength={200} required errors={errors.question} hasHint />
      </Field>
      <Field label="Answer" name="answer" id={`${prefix}-answer`} errors={errors.answer} hint="Markdown. The assistant quotes and cites it like any other knowledge.">
        <TextArea name="answer" id={`${prefix}-answer`} rows={4} defaultValue={state.values?.answer ?? ''} maxLength={20_000} required errors={errors.answer} hasHint />
      </Field>
      {questions.length > 1 && (
        <fieldset className="flex flex-col gap-1.5">
          <legend className="mb-1 text-sm font-medium text-slate-800 dark:text-slate-200">Questions this answers</legend>
          {questions.map((question) => (
            <label key={question.id} className="flex items-start gap-2 text-sm">
              <input type="checkbox" name="questionIds" value={question.id} defaultChecked={chosen ? chosen.has(question.id) : true} className="mt-1" />
              <span className="min-w-0 break-words">{question.content}</span>
            </label>
          ))}
          {errors.questionIds?.map((error) => (
            <p key={error} className="text-xs text-red-600 dark:text-red-400" role="alert">{error}</p>
          ))}
        </fieldset>
      )}
      {questions.length === 1 && <input type="hidden" name="questionIds" value={questions[0]!.id} />}
      <FormMessage state={state} />
      <div>
        <SubmitButton pendingLabel="Adding…">Add to knowledge base</SubmitButton>
      </div>
    </form>
  );
}
