'use client';

import { useActionState } from 'react';
import { Field, TextInput } from '@/components/ui/field';
import { FormMessage } from '@/components/ui/form-message';
import { SubmitButton } from '@/components/ui/submit-button';
import { idleState } from '@/lib/actions/state';
import { createSecretKeyAction, createVisitorKeyAction, deleteWorkspaceAction } from './actions';

export function CreateSecretKeyForm() {
  const [state, formAction] = useActionState(createSecretKeyAction, idleState);
  return (
    <div className="flex flex-col gap-3">
      <form action={formAction} className="grid gap-3 sm:grid-cols-[1fr_auto] sm:items-start" noValidate>
        <Field label="Key name" name="name" id="key-name" errors={state.fieldErrors?.name}>
          <TextInput
            name="name"
            id="key-name"
            placeholder="Voice agent"
            maxLength={60}
            defaultValue={state.status === 'error' ? state.values?.name : ''}
            errors={state.fieldErrors?.name}
          />
        </Field>
        <div className="sm:pt-7">
          <SubmitButton pendingLabel="Creating…">Create secret key</SubmitButton>
        </div>
      </form>
      <FormMessage state={state} />
      {state.result?.key && (
        <div className="rounded-md border border-amber-300 bg-amber-50 p-3 dark:border-amber-800 dark:bg-amber-950">
          <label htmlFor="new-secret-key" className="text-sm font-medium">
            Your new secret key (shown only now)
          </label>
          <input
            id="new-secret-key"
            readOnly
            value={state.result.key}
            onFocus={(event) => event.currentTarget.select()}
            className="mt-2 w-full rounded border border-amber-300 bg-white px-2 py-1 font-mono text-xs dark:border-amber-800 dark:bg-slate-950"
          />
        </div>
      )}
    </div>
  );
}

/** Creates a visitor signing key and shows its secret, once, with the key id to put in the token header. */
export function CreateVisitorKeyForm() {
  const [state, formAction] = useActionState(createVisitorKeyAction, idleState);
  return (
    <div className="flex flex-col gap-3">
      <form action={formAction} className="grid gap-3 sm:grid-cols-[1fr_auto] sm:items-start" noValidate>
        <Field label="Signing key name" name="name" id="visitor-key-name" errors={state.fieldErrors?.name}>
          <TextInput name="name" id="visitor-key-name" placeholder="Production site" maxLength={60} defaultValue={state.status === 'error' ? state.values?.name : ''} errors={state.fieldErrors?.name} />
        </Field>
        <div className="sm:pt-7">
          <SubmitButton pendingLabel="Creating…">Create signing key</SubmitButton>
        </div>
      </form>
      <FormMessage state={state} />
      {state.result?.secret && (
        <div className="flex flex-col gap-2 rounded-md border border-amber-300 bg-amber-50 p-3 text-sm dark:border-amber-800 dark:bg-amber-950">
          <label htmlFor="new-visitor-key-id" className="font-medium">Key id (the token header’s <code>kid</code>)</label>
          <input id="new-visitor-key-id" readOnly value={state.result.keyId} onFocus={(event) => event.currentTarget.select()} className="w-full rounded border border-amber-300 bg-white px-2 py-1 font-mono text-xs dark:border-amber-800 dark:bg-slate-950" />
          <label htmlFor="new-visitor-key-secret" className="font-medium">Secret (HS256; shown only now; keep it on your server)</label>
          <input id="new-visitor-key-secret" readOnly value={state.result.secret} onFocus={(event) => event.currentTarget.select()} className="w-full rounded border border-amber-300 bg-white px-2 py-1 font-mono text-xs dark:border-amber-800 dark:bg-slate-950" />
        </div>
      )}
    </div>
  );
}

export function DeleteWorkspaceForm({ name }: { name: string }) {
  const [state, formAction] = useActionState(deleteWorkspaceAction, idleState);
  return (
    <form action={formAction} className="flex flex-col gap-3" noValidate>
      <Field label={`Type "${name}" to confirm`} name="confirmName" errors={state.fieldErrors?.confirmName}>
        <TextInput name="confirmName" autoComplete="off" errors={state.fieldErrors?.confirmName} />
      </Field>
      <FormMessage state={state} />
      <div>
        <SubmitButton variant="danger" pendingLabel="Deleting…">
          Delete workspace and all its data
        </SubmitButton>
      </div>
    </form>
  );
}
