import 'server-only';
import { z } from 'zod';
import { createBudgetThreshold, deleteBudgetThreshold, resolveBudgetAlert } from '@/db/queries/budgets';
import { BUDGET_PERIODS, BUDGET_SEVERITIES } from '@/db/schema';
import { ActionError, defineAction } from '@/lib/actions/define-action';
import { dollarAmountField } from '@/lib/costs/fields';

export const addBudgetThreshold = defineAction({
  permission: 'budgets:manage',
  input: z.object({
    amountUsd: dollarAmountField.refine((value) => Number(value) > 0, 'Enter an amount above zero.'),
    period: z.enum(BUDGET_PERIODS, 'Choose a period.'),
    severity: z.enum(BUDGET_SEVERITIES, 'Choose a severity.'),
  }),
  handler: async (tx, { tenantId, userId }, input) => {
    if (!(await createBudgetThreshold(tx, { tenantId, ...input, createdBy: userId }))) {
      throw new ActionError(`There is already a ${input.period} threshold of $${input.amountUsd}.`, 'conflict');
    }
    return { message: `Alert added: ${input.severity} when ${input.period} spend reaches $${input.amountUsd}.` };
  },
});

export const removeBudgetThreshold = defineAction({
  permission: 'budgets:manage',
  input: z.object({ thresholdId: z.uuid('Unknown threshold.') }),
  handler: async (tx, { tenantId }, { thresholdId }) => {
    if (!(await deleteBudgetThreshold(tx, tenantId, thresholdId))) throw new ActionError('That threshold was not found.', 'not_found');
    return { message: 'Threshold removed.' };
  },
});

export const resolveAlert = defineAction({
  permission: 'budgets:manage',
  input: z.object({ alertId: z.uuid('Unknown alert.') }),
  handler: async (tx, { tenantId }, { alertId }) => {
    if (!(await resolveBudgetAlert(tx, tenantId, alertId))) throw new ActionError('That alert was not found or is already resolved.', 'not_found');
    return { message: 'Alert resolved.' };
  },
});
