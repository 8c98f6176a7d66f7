'use client';

import { useActionState } from 'react';
import { Field, Select, TextArea, TextInput } from '@/components/ui/field';
import { FormMessage } from '@/components/ui/form-message';
import { SubmitButton } from '@/components/ui/submit-button';
import { type ActionState, idleState } from '@/lib/actions/state';
import {
  addQuestionAction,
  createTestSetAction,
  editQuestionAction,
  generateQuestionsAction,
  importQuestionsAction,
  startRunAction,
  updateTestSetAction,
} from './actions';

type Option = { id: string; label: string };

function useForm(action: (state: ActionState, formData: FormData) => Promise<ActionState>) {
  const [state, formAction] = useActionState(action, idleState);
  return { state, formAction, errors: state.fieldErrors ?? {}, value: (name: string, fallback = '') => state.values?.[name] ?? fallback };
}

export function TestSetForm({ set }: { set?: { id: string; name: string; description: string | null } }) {
  const { state, formAction, errors, value } = useForm(set ? updateTestSetAction : createTestSetAction);
  const prefix = set ? `set-${set.id}` : 'new-set';
  return (
    <form action={formAction} className="flex flex-col gap-4" noValidate>
      {set && <input type="hidden" name="setId" value={set.id} />}
      <div className="grid gap-4 md:grid-cols-2">
        <Field label="Name" name="name" id={`${prefix}-name`} errors={errors.name}>
          <TextInput name="name" id={`${prefix}-name`} defaultValue={value('name', set?.name)} maxLength={80} required errors={errors.name} />
        </Field>
        <Field label="Description" name="description" id={`${prefix}-description`} errors={errors.description} hint="What this set checks, for your team.">
          <TextInput name="description" id={`${prefix}-description`} defaultValue={value('description', set?.description ?? '')} maxLength={300} errors={errors.description} hasHint />
        </Field>
      </div>
      <FormMessage state={state} />
      <div>
        <SubmitButton>{set ? 'Save test set' : 'Create test set'}</SubmitButton>
      </div>
    </form>
  );
}

export type QuestionValues = { id: string; question: string; expectedAnswer: string | null; documentIds: string[]; section: string; unanswerable: boolean };

/** Add a question to a set, or edit one (candidates included). */
export function QuestionForm({ setId, question, documents }: { setId?: string; question?: QuestionValues; documents: Option[] }) {
  const { state, formAction, errors, value } = useForm(question ? editQuestionAction : addQuestionAction);
  const prefix = question ? `question-${question.id}` : 'new-question';
  const chosen = state.values?.documentIds !== undefined ? state.values.documentIds.split(',').filter(Boolean) : (question?.documentIds ?? []);
  return (
    <form action={formAction} className="flex flex-col gap-4" noValidate>
      {setId && <input type="hidden" name="setId" value={setId} />}
      {question && <input type="hidden" name="questionId" value={question.id} />}
      <Field label="Question" name="question" id={`${prefix}-question`} errors={errors.question} hint="As a visitor would ask it.">
        <TextArea name="question" id={`${prefix}-question`} rows={2} defaultValue={value('question', question?.question)} maxLength={1000} errors={errors.question} hasHint />
      </Field>
      <div className="grid gap-4 md:grid-cols-2">
        <Field
          label="Documents that answer it"
          name="documentIds"
          id={`${prefix}-documents`}
          errors={errors.documentIds}
          hint="Retrieval passes when a passage of one of these comes back in the first three. Hold Ctrl or ⌘ to choose several."
        >
          <Select name="documentIds" id={`${prefix}-documents`} multiple size={Math.min(6, Math.max(3, documents.length))} defaultValue={chosen} errors={errors.documentIds} aria-describedby={`${prefix}-documents-hint`}>
            {documents.map((document) => (
              <option key={document.id} value={document.id}>
                {document.label}
              </option>
            ))}
          </Select>
        </Field>
        <div className="flex flex-col gap-4">
          <Field label="Section (optional)" name="section" id={`${prefix}-section`} errors={errors.section} hint="A heading of those documents, to require that exact section.">
            <TextInput name="section" id={`${prefix}-section`} defaultValue={value('section', question?.section)} maxLength={200} errors={errors.section} hasHint />
          </Field>
          <Field label="Expected answer (optional)" name="expectedAnswer" id={`${prefix}-answer`} errors={errors.expectedAnswer} hint="With a model configured, the judge checks answers against it.">
            <TextArea name="expectedAnswer" id={`${prefix}-answer`} rows={2} defaultValue={value('expectedAnswer', question?.expectedAnswer ?? '')} maxLength={2000} errors={errors.expectedAnswer} hasHint />
          </Field>
        </div>
      </div>
      <label className="flex items-center gap-2 text-sm">
        <input type="checkbox" name="unanswerable" defaultChecked={state.values ? state.values.unanswerable === 'on' : question?.unanswerable} className="size-4 accent-indigo-600" />
        Unanswerable: the knowledge does not cover it, and the right outcome is an honest “I don’t know”
      </label>
      {errors.unanswerable?.map((error) => (
        <p key={error} className="text-xs text-red-600 dark:text-red-400" role="alert">
          {error}
        </p>
      ))}
      <FormMessage state={state} />
      <div>
        <SubmitButton>{question ? 'Save question' : 'Add question'}</SubmitButton>
      </div>
    </form>
  );
}

export function ImportForm({ setId }: { setId: string }) {
  const { state, formAction, errors } = useForm(importQuestionsAction);
  return (
    <form action={formAction} className="flex flex-col gap-3" noValidate>
      <input type="hidden" name="setId" value={setId} />
      <Field
        label="CSV file"
        name="file"
        id="import-file"
        hint="A header row, then one question per row. Columns: question (required), expected_documents (titles, several separated by |), expected_section, expected_answer, unanswerable (yes or no)."
      >
        <input id="import-file" name="file" type="file" accept=".csv,text/csv" aria-describedby={errors.file?.length ? 'import-file-errors' : 'import-file-hint'} className="text-sm" />
      </Field>
      {errors.file?.length ? (
        <ul id="import-file-errors" className="list-disc space-y-1 pl-5 text-xs text-red-700 dark:text-red-300" data-testid="import-errors">
          {errors.file.map((error) => (
            <li key={error}>{error}</li>
          ))}
        </ul>
      ) : null}
      <FormMessage state={state} />
      <div>
        <SubmitButton pendingLabel="Importing…">Import questions</SubmitButton>
      </div>
    </form>
  );
}

export function GenerateForm({ setId, models, maxQuestions }: { setId: string; models: Option[]; maxQuestions: number }) {
  const { state, formAction, errors, value } = useForm(generateQuestionsAction);
  return (
    <form action={formAction} className="flex flex-col gap-3" noValidate>
      <input type="hidden" name="setId" value={setId} />
      <div className="grid gap-4 sm:grid-cols-2">
        <Field label="How many" name="count" id="generate-count" errors={errors.count} hint={`1 to ${maxQuestions}; one model call each.`}>
          <TextInput name="count" id="generate-count" type="number" min={1} max={maxQuestions} defaultValue={value('count', '10')} errors={errors.count} hasHint />
        </Field>
        <Field label="Written by" name="modelId" id="generate-model" errors={errors.modelId}>
          <Select name="modelId" id="generate-model" defaultValue={value('modelId', models[0]?.id)} errors={errors.modelId}>
            {models.map((model) => (
              <option key={model.id} value={model.id}>
                {model.label}
              </option>
            ))}
          </Select>
        </Field>
      </div>
      <FormMessage state={state} />
      <div>
        <SubmitButton pendingLabel="Starting…">Write candidate questions</SubmitButton>
      </div>
    </form>
  );
}

export type VersionOption = { id: string; personalityName: string; version: number; isLive: boolean; note: string | null };

export function RunForm({ setId, versions, models, defaultJudge, defaultVersionId }: { setId: string; versions: VersionOption[]; models: Option[]; defaultJudge: string; defaultVersionId?: string }) {
  const { state, formAction, errors, value } = useForm(startRunAction);
  const personalities = [...new Set(versions.map((version) => version.personalityName))];
  return (
    <form action={formAction} className="flex flex-col gap-4" noValidate>
      <input type="hidden" name="setId" value={setId} />
      <div className="grid gap-4 md:grid-cols-2">
        <Field label="Personality version" name="versionId" id="run-version" errors={errors.versionId} hint="Drafts can be tested before they go live.">
          <Select name="versionId" id="run-version" defaultValue={value('versionId', defaultVersionId ?? versions.find((version) => version.isLive)?.id)} errors={errors.versionId} aria-describedby="run-version-hint">
            {personalities.map((name) => (
              <optgroup key={name} label={name}>
                {versions
                  .filter((version) => version.personalityName === name)
                  .map((version) => (
                    <option key={version.id} value={version.id}>
                      {`${name} · v${version.version}${version.isLive ? ' (live)' : ' (draft)'}${version.note ? ` · ${version.note}` : ''}`}
                    </option>
                  ))}
              </optgroup>
            ))}
          </Select>
        </Field>
        <Field
          label="Answers"
          name="judgeModel"
          id="run-judge"
          errors={errors.judgeModel}
          hint={models.length ? 'Write each answer with the version’s model and grade it with this judge model (costs model calls), or score retrieval only.' : 'No model is configured: runs score retrieval only.'}
        >
          <Select name="judgeModel" id="run-judge" defaultValue={value('judgeModel', defaultJudge)} errors={errors.judgeModel} aria-describedby="run-judge-hint">
            {models.map((model) => (
              <option key={model.id} value={model.id}>
                {`Write and grade answers (judge: ${model.label})`}
              </option>
            ))}
            <option value="">Retrieval only (no model calls)</option>
          </Select>
        </Field>
      </div>
      <FormMessage state={state} />
      <div>
        <SubmitButton pendingLabel="Starting…">Run test set</SubmitButton>
      </div>
    </form>
  );
}
