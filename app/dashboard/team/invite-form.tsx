'use client';

import { useActionState, useState } from 'react';
import { Field, Select, TextInput } from '@/components/ui/field';
import { FormMessage } from '@/components/ui/form-message';
import { SubmitButton } from '@/components/ui/submit-button';
import { idleState } from '@/lib/actions/state';
import { inviteMemberAction } from './actions';

export function InviteForm({ canInviteOwners }: { canInviteOwners: boolean }) {
  const [state, formAction] = useActionState(inviteMemberAction, idleState);
  const [copied, setCopied] = useState(false);
  // A result only exists after a submission, so this runs in the browser.
  const link = state.result?.path ? `${window.location.origin}${state.result.path}` : undefined;

  return (
    <div className="flex flex-col gap-4">
      <form action={formAction} className="grid gap-4 sm:grid-cols-[1fr_10rem_auto] sm:items-start" noValidate>
        <Field label="Email" name="email" errors={state.fieldErrors?.email}>
          <TextInput
            name="email"
            type="email"
            placeholder="teammate@company.com"
            required
            defaultValue={state.status === 'error' ? state.values?.email : ''}
            errors={state.fieldErrors?.email}
          />
        </Field>
        <Field label="Role" name="role" errors={state.fieldErrors?.role}>
          <Select name="role" defaultValue={state.values?.role ?? 'member'} errors={state.fieldErrors?.role}>
            <option value="member">Member (read-only)</option>
            <option value="admin">Admin</option>
            {canInviteOwners && <option value="owner">Owner</option>}
          </Select>
        </Field>
        <div className="sm:pt-7">
          <SubmitButton pendingLabel="Inviting…">Send invitation</SubmitButton>
        </div>
      </form>
      <FormMessage state={state} />
      {link && (
        <div className="flex flex-col gap-2 sm:flex-row sm:items-center">
          <label htmlFor="invitation-link" className="sr-only">
            Invitation link
          </label>
          <input
            id="invitation-link"
            readOnly
            value={link}
            onFocus={(event) => event.currentTarget.select()}
            className="flex-1 rounded-md border border-slate-300 bg-slate-50 px-3 py-2 font-mono text-xs dark:border-slate-700 dark:bg-slate-950"
          />
          <button
            type="button"
            onClick={async () => {
              await navigator.clipboard.writeText(link);
              setCopied(true);
            }}
            className="rounded-md border border-slate-300 px-3 py-2 text-sm dark:border-slate-700"
          >
            {copied ? 'Copied' : 'Copy link'}
          </button>
        </div>
      )}
    </div>
  );
}
