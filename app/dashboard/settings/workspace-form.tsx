'use client';

import { useActionState } from 'react';
import { Field, TextArea, TextInput } from '@/components/ui/field';
import { FormMessage } from '@/components/ui/form-message';
import { SubmitButton } from '@/components/ui/submit-button';
import { idleState } from '@/lib/actions/state';
import { updateWorkspaceAction } from './actions';

export function WorkspaceForm({
  name,
  allowedDomains,
  monthlySpendCapUsd,
  readOnly,
}: {
  name: string;
  allowedDomains: string[];
  monthlySpendCapUsd: string | null;
  readOnly: boolean;
}) {
  const [state, formAction] = useActionState(updateWorkspaceAction, idleState);
  return (
    <form action={formAction} className="flex flex-col gap-4" noValidate>
      <fieldset disabled={readOnly} className="flex flex-col gap-4">
        <Field label="Workspace name" name="name" errors={state.fieldErrors?.name}>
          <TextInput name="name" defaultValue={state.values?.name ?? name} required maxLength={100} errors={state.fieldErrors?.name} />
        </Field>
        <Field
          label="Allowed domains"
          name="allowedDomains"
          errors={state.fieldErrors?.allowedDomains}
          hint="One per line: https://example.com, or https://*.example.com for every subdomain. Widgets without their own list may be embedded here, and links in answers may only point here or to your knowledge sources."
        >
          <TextArea
            name="allowedDomains"
            rows={4}
            defaultValue={state.values?.allowedDomains ?? allowedDomains.join('\n')}
            errors={state.fieldErrors?.allowedDomains}
            hasHint
            className="font-mono"
          />
        </Field>
        <Field
          label="Monthly spend cap (USD)"
          name="monthlySpendCapUsd"
          errors={state.fieldErrors?.monthlySpendCapUsd}
          hint="When this month's AI spend reaches the cap, public chat pauses until the cap is raised or the month turns. Empty: no cap."
        >
          <TextInput
            name="monthlySpendCapUsd"
            inputMode="decimal"
            defaultValue={state.values?.monthlySpendCapUsd ?? monthlySpendCapUsd ?? ''}
            placeholder="e.g. 250"
            errors={state.fieldErrors?.monthlySpendCapUsd}
            hasHint
          />
        </Field>
      </fieldset>
      <FormMessage state={state} />
      {!readOnly && (
        <div>
          <SubmitButton>Save settings</SubmitButton>
        </div>
      )}
    </form>
  );
}
