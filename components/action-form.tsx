'use client';

import { useActionState } from 'react';
import { FormMessage } from '@/components/ui/form-message';
import { type ActionState, idleState } from '@/lib/actions/state';

type ServerAction = (state: ActionState, formData: FormData) => Promise<ActionState>;

/**
 * A small form around one server action that shows its outcome. For forms with several
 * fields and field errors, areas write their own form with useActionState.
 */
export function ActionForm({
  action,
  children,
  className = 'flex flex-wrap items-center gap-2',
  confirm,
  showSuccess = false,
}: {
  action: ServerAction;
  children: React.ReactNode;
  className?: string;
  /** Asked before submitting, for destructive actions. */
  confirm?: string;
  /** Also show the success message (by default the refreshed page is the feedback). */
  showSuccess?: boolean;
}) {
  const [state, formAction] = useActionState(action, idleState);
  return (
    <form
      action={formAction}
      className="flex flex-col gap-2"
      onSubmit={(event) => {
        if (confirm && !window.confirm(confirm)) event.preventDefault();
      }}
    >
      <div className={className}>{children}</div>
      {(state.status === 'error' || showSuccess) && <FormMessage state={state} />}
    </form>
  );
}
