'use client';

import { useActionState, useEffect, useRef } from 'react';
import { FormMessage } from '@/components/ui/form-message';
import { SubmitButton } from '@/components/ui/submit-button';
import { idleState } from '@/lib/actions/state';
import { replyToVisitorAction } from '../actions';

/** The member's reply box: Enter sends (Shift+Enter for a new line); it empties once the reply is stored. */
export function ReplyForm({ handoffId }: { handoffId: string }) {
  const [state, formAction] = useActionState(replyToVisitorAction, idleState);
  const form = useRef<HTMLFormElement>(null);
  useEffect(() => {
    if (state.status === 'success') form.current?.reset();
  }, [state]);
  return (
    <form ref={form} action={formAction} className="flex flex-col gap-2" noValidate>
      <input type="hidden" name="handoffId" value={handoffId} />
      <label htmlFor="reply" className="text-sm font-medium">Your reply to the visitor</label>
      <textarea
        id="reply"
        name="content"
        rows={3}
        maxLength={4000}
        required
        defaultValue={state.status === 'error' ? state.values?.content : ''}
        onKeyDown={(event) => {
          if (event.key === 'Enter' && !event.shiftKey && !event.nativeEvent.isComposing) {
            event.preventDefault();
            event.currentTarget.form?.requestSubmit();
          }
        }}
        className="rounded-md border border-slate-300 px-3 py-2 text-sm dark:border-slate-700 dark:bg-slate-900"
      />
      {state.status === 'error' && <FormMessage state={state} />}
      <div>
        <SubmitButton pendingLabel="Sending…">Send reply</SubmitButton>
      </div>
    </form>
  );
}
