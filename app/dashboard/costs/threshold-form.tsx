'use client';

import { useActionState } from 'react';
import { Field, Select, TextInput } from '@/components/ui/field';
import { FormMessage } from '@/components/ui/form-message';
import { SubmitButton } from '@/components/ui/submit-button';
import { idleState } from '@/lib/actions/state';
import { addBudgetThresholdAction } from './actions';

export function ThresholdForm() {
  const [state, formAction] = useActionState(addBudgetThresholdAction, idleState);
  const values = state.status === 'error' ? state.values : undefined;
  return (
    <form action={formAction} className="mt-4 flex flex-col gap-3" noValidate>
      <div className="grid gap-3 sm:grid-cols-[1fr_1fr_1fr_auto] sm:items-start">
        <Field label="Alert when spend reaches (USD)" name="amountUsd" errors={state.fieldErrors?.amountUsd}>
          <TextInput name="amountUsd" inputMode="decimal" placeholder="50" defaultValue={values?.amountUsd} errors={state.fieldErrors?.amountUsd} />
        </Field>
        <Field label="Per" name="period" errors={state.fieldErrors?.period}>
          <Select name="period" defaultValue={values?.period ?? 'daily'} errors={state.fieldErrors?.period}>
            <option value="daily">Day</option>
            <option value="weekly">Week</option>
            <option value="monthly">Month</option>
          </Select>
        </Field>
        <Field label="Severity" name="severity" errors={state.fieldErrors?.severity}>
          <Select name="severity" defaultValue={values?.severity ?? 'warning'} errors={state.fieldErrors?.severity}>
            <option value="warning">Warning</option>
            <option value="critical">Critical</option>
          </Select>
        </Field>
        <div className="sm:pt-7">
          <SubmitButton pendingLabel="Adding…">Add threshold</SubmitButton>
        </div>
      </div>
      <FormMessage state={state} />
    </form>
  );
}
