'use server';

import type { ActionState } from '@/lib/actions/state';
import { submitForm } from '@/lib/actions/submit';
import * as team from './mutations';

const PATH = '/dashboard/team';

export async function inviteMemberAction(_state: ActionState, formData: FormData) {
  return submitForm(team.inviteMember, formData, PATH);
}

export async function cancelInvitationAction(_state: ActionState, formData: FormData) {
  return submitForm(team.cancelInvitation, formData, PATH);
}

export async function changeMemberRoleAction(_state: ActionState, formData: FormData) {
  return submitForm(team.changeMemberRole, formData, PATH);
}

export async function removeMemberAction(_state: ActionState, formData: FormData) {
  return submitForm(team.removeTeamMember, formData, PATH);
}

export async function transferOwnershipAction(_state: ActionState, formData: FormData) {
  return submitForm(team.transferOwnership, formData, PATH);
}
