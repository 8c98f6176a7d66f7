'use server';

import { redirect } from 'next/navigation';
import type { ActionState } from '@/lib/actions/state';
import { submitForm } from '@/lib/actions/submit';
import * as sources from './mutations';

const PATH = '/dashboard/knowledge';

export async function addSourceAction(_state: ActionState, formData: FormData) {
  return submitForm(sources.addSource, formData, PATH);
}

export async function updateSourceSettingsAction(_state: ActionState, formData: FormData) {
  return submitForm(sources.updateSourceSettings, formData, PATH);
}

export async function syncSourceNowAction(_state: ActionState, formData: FormData) {
  return submitForm(sources.syncSourceNow, formData, PATH);
}

export async function retrySyncAction(_state: ActionState, formData: FormData) {
  return submitForm(sources.retrySync, formData, PATH);
}

export async function retryAllFailedAction(_state: ActionState, formData: FormData) {
  return submitForm(sources.retryAllFailed, formData, PATH);
}

export async function reviewSourceChangeAction(_state: ActionState, formData: FormData) {
  return submitForm(sources.reviewSourceChange, formData, PATH);
}

export async function removeSourceAction(_state: ActionState, formData: FormData): Promise<ActionState> {
  const state = await submitForm(sources.removeSource, formData, PATH);
  if (state.status === 'success') redirect(PATH);
  return state;
}
