'use server';

import type { ActionState } from '@/lib/actions/state';
import { submitForm } from '@/lib/actions/submit';
import * as inbox from './mutations';

const PATH = '/dashboard/inbox';

export async function takeConversationAction(_state: ActionState, formData: FormData) {
  return submitForm(inbox.takeConversation, formData, PATH);
}

export async function handBackConversationAction(_state: ActionState, formData: FormData) {
  return submitForm(inbox.handBackConversation, formData, PATH);
}

export async function resolveConversationAction(_state: ActionState, formData: FormData) {
  return submitForm(inbox.resolveConversation, formData, PATH);
}

export async function replyToVisitorAction(_state: ActionState, formData: FormData) {
  return submitForm(inbox.replyToVisitor, formData, PATH);
}

export async function setOnDutyAction(_state: ActionState, formData: FormData) {
  return submitForm(inbox.setOnDuty, formData, PATH);
}

export async function updateSupportSettingsAction(_state: ActionState, formData: FormData) {
  return submitForm(inbox.updateSupportSettings, formData, PATH);
}
