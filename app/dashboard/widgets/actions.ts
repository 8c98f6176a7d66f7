'use server';

import { redirect } from 'next/navigation';
import type { ActionState } from '@/lib/actions/state';
import { submitForm } from '@/lib/actions/submit';
import * as widgets from './mutations';

const PATH = '/dashboard/widgets';

export async function createWidgetAction(_state: ActionState, formData: FormData): Promise<ActionState> {
  const state = await submitForm(widgets.createWidget, formData, PATH);
  if (state.status === 'success') redirect(`${PATH}/${state.result!.widgetId}`);
  return state;
}

export async function updateWidgetAction(_state: ActionState, formData: FormData) {
  return submitForm(widgets.updateWidget, formData, PATH);
}

export async function setWidgetActiveAction(_state: ActionState, formData: FormData) {
  return submitForm(widgets.setWidgetActive, formData, PATH);
}

export async function deleteWidgetAction(_state: ActionState, formData: FormData): Promise<ActionState> {
  const state = await submitForm(widgets.deleteWidget, formData, PATH);
  if (state.status === 'success') redirect(PATH);
  return state;
}
