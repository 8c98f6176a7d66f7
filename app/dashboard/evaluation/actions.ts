'use server';

import { redirect } from 'next/navigation';
import type { ActionState } from '@/lib/actions/state';
import { submitForm } from '@/lib/actions/submit';
import * as evaluation from './mutations';

const PATH = '/dashboard/evaluation';

/** A multiple select sends one entry per choice; the action takes them as one comma-separated field. */
function joinDocumentIds(formData: FormData): FormData {
  formData.set('documentIds', formData.getAll('documentIds').join(','));
  return formData;
}

export async function createTestSetAction(_state: ActionState, formData: FormData): Promise<ActionState> {
  const state = await submitForm(evaluation.createTestSet, formData, PATH);
  if (state.status === 'success') redirect(`${PATH}/sets/${state.result!.setId}`);
  return state;
}

export async function updateTestSetAction(_state: ActionState, formData: FormData) {
  return submitForm(evaluation.updateTestSet, formData, PATH);
}

export async function deleteTestSetAction(_state: ActionState, formData: FormData): Promise<ActionState> {
  const state = await submitForm(evaluation.deleteTestSet, formData, PATH);
  if (state.status === 'success') redirect(PATH);
  return state;
}

export async function addQuestionAction(_state: ActionState, formData: FormData) {
  return submitForm(evaluation.addQuestion, joinDocumentIds(formData), PATH);
}

export async function editQuestionAction(_state: ActionState, formData: FormData) {
  return submitForm(evaluation.editQuestion, joinDocumentIds(formData), PATH);
}

export async function removeQuestionAction(_state: ActionState, formData: FormData) {
  return submitForm(evaluation.removeQuestion, formData, PATH);
}

export async function acceptCandidateAction(_state: ActionState, formData: FormData) {
  return submitForm(evaluation.acceptCandidate, formData, PATH);
}

export async function settleAllCandidatesAction(_state: ActionState, formData: FormData) {
  return submitForm(evaluation.settleAllCandidates, formData, PATH);
}

export async function importQuestionsAction(_state: ActionState, formData: FormData) {
  return submitForm(evaluation.importQuestions, formData, PATH);
}

export async function generateQuestionsAction(_state: ActionState, formData: FormData) {
  return submitForm(evaluation.generateQuestions, formData, PATH);
}

export async function startRunAction(_state: ActionState, formData: FormData): Promise<ActionState> {
  const state = await submitForm(evaluation.startRun, formData, PATH);
  if (state.status === 'success') redirect(`${PATH}/runs/${state.result!.runId}`);
  return state;
}

export async function cancelRunAction(_state: ActionState, formData: FormData) {
  return submitForm(evaluation.cancelRun, formData, PATH);
}

export async function removeRunAction(_state: ActionState, formData: FormData): Promise<ActionState> {
  const state = await submitForm(evaluation.removeRun, formData, PATH);
  if (state.status === 'success' && formData.get('from') === 'run') redirect(PATH);
  return state;
}
