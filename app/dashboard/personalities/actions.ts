'use server';

import { redirect } from 'next/navigation';
import type { ActionState } from '@/lib/actions/state';
import { submitForm } from '@/lib/actions/submit';
import * as personalities from './mutations';

const PATH = '/dashboard/personalities';

export async function addPersonalityAction(_state: ActionState, formData: FormData): Promise<ActionState> {
  const state = await submitForm(personalities.addPersonality, formData, PATH);
  if (state.status === 'success') redirect(PATH);
  return state;
}

export async function editPersonalityAction(_state: ActionState, formData: FormData) {
  return submitForm(personalities.editPersonality, formData, PATH);
}

export async function duplicatePersonalityAction(_state: ActionState, formData: FormData): Promise<ActionState> {
  const state = await submitForm(personalities.duplicatePersonality, formData, PATH);
  if (state.status === 'success') redirect(`${PATH}/${state.result!.personalityId}`);
  return state;
}

export async function makeDefaultPersonalityAction(_state: ActionState, formData: FormData) {
  return submitForm(personalities.makeDefaultPersonality, formData, PATH);
}

export async function removePersonalityAction(_state: ActionState, formData: FormData): Promise<ActionState> {
  const state = await submitForm(personalities.removePersonality, formData, PATH);
  if (state.status === 'success' && formData.get('from') === 'editor') redirect(PATH);
  return state;
}

export async function makeVersionLiveAction(_state: ActionState, formData: FormData) {
  return submitForm(personalities.makeVersionLive, formData, PATH);
}
