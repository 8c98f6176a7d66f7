'use client';

import { useActionState } from 'react';
import { Field, TextInput } from '@/components/ui/field';
import { FormMessage } from '@/components/ui/form-message';
import { SubmitButton } from '@/components/ui/submit-button';
import { idleState } from '@/lib/actions/state';
import { acceptInvitationAction, registerFromInvitationAction } from './actions';

export function AcceptInvitationForm({ token, tenantName }: { token: string; tenantName: string }) {
  const [state, formAction] = useActionState(acceptInvitationAction, idleState);
  return (
    <form action={formAction} className="flex flex-col gap-3">
      <input type="hidden" name="token" value={token} />
      <FormMessage state={state} />
      <SubmitButton pendingLabel="Joining…" className="w-full">
        Join {tenantName}
      </SubmitButton>
    </form>
  );
}

export function RegisterFromInvitationForm({ token, email }: { token: string; email: string }) {
  const [state, formAction] = useActionState(registerFromInvitationAction, idleState);
  return (
    <form action={formAction} className="flex flex-col gap-4" noValidate>
      <input type="hidden" name="token" value={token} />
      <p className="text-sm text-slate-600 dark:text-slate-400">
        New here? Create an account for <span className="font-medium">{email}</span>.
      </p>
      <Field label="Your name" name="name" errors={state.fieldErrors?.name}>
        <TextInput name="name" autoComplete="name" errors={state.fieldErrors?.name} />
      </Field>
      <Field label="Password" name="password" errors={state.fieldErrors?.password} hint="At least 10 characters.">
        <TextInput name="password" type="password" autoComplete="new-password" errors={state.fieldErrors?.password} hasHint />
      </Field>
      <FormMessage state={state} />
      <SubmitButton pendingLabel="Creating account…" className="w-full">
        Create account and join
      </SubmitButton>
    </form>
  );
}
