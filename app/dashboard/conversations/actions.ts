'use server';

import { redirect } from 'next/navigation';
import type { ActionState } from '@/lib/actions/state';
import { submitForm } from '@/lib/actions/submit';
import * as conversations from './mutations';

const PATH = '/dashboard/conversations';

export async function deleteConversationAction(_state: ActionState, formData: FormData): Promise<ActionState> {
  const state = await submitForm(conversations.deleteConversation, formData, PATH);
  if (state.status === 'success') redirect(PATH);
  return state;
}
