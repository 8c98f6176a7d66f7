'use server';

import { redirect } from 'next/navigation';
import type { ActionState } from '@/lib/actions/state';
import { submitForm } from '@/lib/actions/submit';
import * as meetings from './mutations';

const PATH = '/dashboard/meetings';

export async function createMeetingAction(_state: ActionState, formData: FormData): Promise<ActionState> {
  const state = await submitForm(meetings.createMeeting, formData, PATH);
  if (state.status === 'success') redirect(`${PATH}/${state.result!.meetingId}`);
  return state;
}

export async function endMeetingAction(_state: ActionState, formData: FormData) {
  return submitForm(meetings.endMeeting, formData, PATH);
}

export async function deleteMeetingAction(_state: ActionState, formData: FormData): Promise<ActionState> {
  const state = await submitForm(meetings.deleteMeeting, formData, PATH);
  if (state.status === 'success') redirect(PATH);
  return state;
}

export async function createGuestLinkAction(_state: ActionState, formData: FormData) {
  return submitForm(meetings.createGuestLink, formData, PATH);
}

export async function revokeGuestLinkAction(_state: ActionState, formData: FormData) {
  return submitForm(meetings.revokeGuestLink, formData, PATH);
}

export async function inviteAssistantAction(_state: ActionState, formData: FormData) {
  return submitForm(meetings.inviteAssistant, formData, PATH);
}

export async function setAssistantMutedAction(_state: ActionState, formData: FormData) {
  return submitForm(meetings.setAssistantMuted, formData, PATH);
}

export async function removeAssistantAction(_state: ActionState, formData: FormData) {
  return submitForm(meetings.removeAssistant, formData, PATH);
}
