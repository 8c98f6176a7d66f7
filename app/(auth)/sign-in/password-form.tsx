'use client';

import { useActionState } from 'react';
import { Field, TextInput } from '@/components/ui/field';
import { FormMessage } from '@/components/ui/form-message';
import { SubmitButton } from '@/components/ui/submit-button';
import { idleState } from '@/lib/actions/state';
import { signInWithPassword } from './actions';

export function PasswordSignInForm({ callbackUrl }: { callbackUrl: string }) {
  const [state, formAction] = useActionState(signInWithPassword, idleState);
  return (
    <form action={formAction} className="flex flex-col gap-4" noValidate>
      <input type="hidden" name="callbackUrl" value={callbackUrl} />
      <Field label="Email" name="email" errors={state.fieldErrors?.email}>
        <TextInput name="email" type="email" autoComplete="email" required defaultValue={state.values?.email} errors={state.fieldErrors?.email} />
      </Field>
      <Field label="Password" name="password" errors={state.fieldErrors?.password}>
        <TextInput name="password" type="password" autoComplete="current-password" required errors={state.fieldErrors?.password} />
      </Field>
      <FormMessage state={state} />
      <SubmitButton pendingLabel="Signing in…" className="w-full">
        Sign in
      </SubmitButton>
    </form>
  );
}
