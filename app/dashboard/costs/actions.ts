'use server';

import type { ActionState } from '@/lib/actions/state';
import { submitForm } from '@/lib/actions/submit';
import * as costs from './mutations';

const PATH = '/dashboard/costs';

export async function addBudgetThresholdAction(_state: ActionState, formData: FormData) {
  return submitForm(costs.addBudgetThreshold, formData, PATH);
}

export async function removeBudgetThresholdAction(_state: ActionState, formData: FormData) {
  return submitForm(costs.removeBudgetThreshold, formData, PATH);
}

export async function resolveAlertAction(_state: ActionState, formData: FormData) {
  return submitForm(costs.resolveAlert, formData, PATH);
}
