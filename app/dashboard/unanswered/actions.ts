'use server';

import { redirect } from 'next/navigation';
import type { ActionState } from '@/lib/actions/state';
import { submitForm } from '@/lib/actions/submit';
import * as unanswered from './mutations';

const PATH = '/dashboard/unanswered';

export async function answerQuestionsAction(_state: ActionState, formData: FormData): Promise<ActionState> {
  // One checkbox per question of the group: the action takes them as one comma-separated field.
  formData.set('questionIds', formData.getAll('questionIds').join(','));
  const state = await submitForm(unanswered.answerQuestions, formData, PATH);
  // The group leaves the list with its form: the page itself says what was added.
  if (state.status === 'success' && state.result?.documentId) redirect(`${PATH}?answered=${state.result.documentId}`);
  return state;
}
