'use server';

import { redirect } from 'next/navigation';
import { listUserWorkspaces } from '@/db/queries/memberships';
import { withSystem } from '@/db/withTenant';
import type { ActionState } from '@/lib/actions/state';
import { submitForm } from '@/lib/actions/submit';
import { signOut, updateSession } from '@/lib/auth/config';
import { getCurrentSession } from '@/lib/auth/session';
import * as settings from './mutations';

const PATH = '/dashboard/settings';

export async function updateWorkspaceAction(_state: ActionState, formData: FormData) {
  return submitForm(settings.updateWorkspace, formData, '/dashboard');
}

export async function rotatePublishableKeyAction(_state: ActionState, formData: FormData) {
  return submitForm(settings.rotatePublishableKey, formData, PATH);
}

export async function createSecretKeyAction(_state: ActionState, formData: FormData) {
  return submitForm(settings.createSecretKey, formData, PATH);
}

export async function revokeSecretKeyAction(_state: ActionState, formData: FormData) {
  return submitForm(settings.revokeSecretKey, formData, PATH);
}

export async function createVisitorKeyAction(_state: ActionState, formData: FormData) {
  return submitForm(settings.createVisitorKey, formData, PATH);
}

export async function revokeVisitorKeyAction(_state: ActionState, formData: FormData) {
  return submitForm(settings.revokeVisitorKey, formData, PATH);
}

export async function deleteWorkspaceAction(_state: ActionState, formData: FormData): Promise<ActionState> {
  const session = await getCurrentSession();
  const state = await settings.deleteWorkspace.fromForm(formData);
  if (state.status !== 'success' || !session) return state;
  // Land in another workspace of the user's, or sign out when there is none.
  const [next] = await withSystem((tx) => listUserWorkspaces(tx, session.userId));
  if (!next) await signOut({ redirectTo: '/' });
  else {
    await updateSession({ tenantId: next.tenantId } as never);
    redirect('/dashboard');
  }
  return state;
}
