'use client';

import { useActionState } from 'react';
import { Field, TextInput } from '@/components/ui/field';
import { FormMessage } from '@/components/ui/form-message';
import { SubmitButton } from '@/components/ui/submit-button';
import { idleState } from '@/lib/actions/state';
import { importWebPageAction } from './actions';

export function ImportUrlForm() {
  const [state, formAction] = useActionState(importWebPageAction, idleState);
  return (
    <form action={formAction} className="flex flex-col gap-3" noValidate>
      <div className="grid gap-3 sm:grid-cols-[1fr_auto] sm:items-start">
        <Field label="Web page address" name="url" errors={state.fieldErrors?.url}>
          <TextInput name="url" type="url" placeholder="https://example.com/help/shipping" defaultValue={state.status === 'error' ? state.values?.url : ''} errors={state.fieldErrors?.url} />
        </Field>
        <div className="sm:pt-7">
          <SubmitButton variant="secondary" pendingLabel="Queueing…">
            Import page
          </SubmitButton>
        </div>
      </div>
      <FormMessage state={state} />
    </form>
  );
}
