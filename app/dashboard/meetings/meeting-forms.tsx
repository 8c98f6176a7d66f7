'use client';

import { useActionState, useState } from 'react';
import { Button } from '@/components/ui/button';
import { Field, TextArea, TextInput } from '@/components/ui/field';
import { FormMessage } from '@/components/ui/form-message';
import { SubmitButton } from '@/components/ui/submit-button';
import { idleState } from '@/lib/actions/state';
import { createMeetingAction } from './actions';

function browserOffset(local: string): string {
  const minutes = -new Date(local).getTimezoneOffset();
  const abs = Math.abs(minutes);
  return `${minutes >= 0 ? '+' : '-'}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}

export function CreateMeetingForm() {
  const [state, formAction] = useActionState(createMeetingAction, idleState);
  return (
    <form
      action={(formData) => {
        // datetime-local has no time zone: the browser's offset at that date is appended.
        const local = String(formData.get('scheduledLocal') ?? '');
        formData.set('scheduledFor', local ? `${local}:00${browserOffset(local)}` : '');
        formData.delete('scheduledLocal');
        return formAction(formData);
      }}
      className="flex flex-col gap-3"
      noValidate
    >
      <div className="grid gap-3 sm:grid-cols-2">
        <Field label="Title" name="title" id="meeting-title" errors={state.fieldErrors?.title}>
          <TextInput name="title" id="meeting-title" placeholder="Weekly support review" maxLength={120} defaultValue={state.values?.title} errors={state.fieldErrors?.title} />
        </Field>
        <div className="grid grid-cols-[1fr_7rem] gap-3">
          <Field label="Starts (optional)" name="scheduledLocal" id="meeting-start" errors={state.fieldErrors?.scheduledFor}>
            <TextInput type="datetime-local" name="scheduledLocal" id="meeting-start" errors={state.fieldErrors?.scheduledFor} />
          </Field>
          <Field label="Max people" name="maxParticipants" id="meeting-max" errors={state.fieldErrors?.maxParticipants}>
            <TextInput type="number" name="maxParticipants" id="meeting-max" min={2} max={100} defaultValue={state.values?.maxParticipants ?? '20'} errors={state.fieldErrors?.maxParticipants} />
          </Field>
        </div>
      </div>
      <Field label="Description (optional)" name="description" id="meeting-description" errors={state.fieldErrors?.description}>
        <TextArea name="description" rows={2} maxLength={2000} defaultValue={state.values?.description} errors={state.fieldErrors?.description} />
      </Field>
      <div>
        <SubmitButton pendingLabel="Creating…">Create meeting</SubmitButton>
      </div>
      <FormMessage state={state} />
    </form>
  );
}

export function CopyLink({ url, label = 'Copy link' }: { url: string; label?: string }) {
  const [copied, setCopied] = useState(false);
  return (
    <div className="flex flex-wrap items-center gap-2">
      <label htmlFor="guest-link" className="sr-only">Guest link</label>
      <input
        id="guest-link"
        readOnly
        value={url}
        onFocus={(event) => event.currentTarget.select()}
        className="min-w-0 flex-1 rounded-md border border-slate-300 bg-slate-50 px-3 py-2 font-mono text-xs dark:border-slate-700 dark:bg-slate-950"
      />
      <Button
        variant="secondary"
        onClick={async () => {
          await navigator.clipboard.writeText(url);
          setCopied(true);
        }}
      >
        {label}
      </Button>
      <span aria-live="polite" className="text-sm text-emerald-700 dark:text-emerald-400">{copied ? 'Copied.' : ''}</span>
    </div>
  );
}
