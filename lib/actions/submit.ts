import 'server-only';
import { revalidatePath } from 'next/cache';
import type { TenantAction } from './define-action';
import type { ActionState } from './state';

/** Runs a tenant action from a form and refreshes the page that shows its data. */
export async function submitForm(action: TenantAction, formData: FormData, path: string): Promise<ActionState> {
  const state = await action.fromForm(formData);
  if (state.status === 'success') revalidatePath(path, 'layout');
  return state;
}
