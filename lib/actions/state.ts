// Shared by server actions and the client forms that show their outcome (useActionState).
export type ActionState = {
  status: 'idle' | 'success' | 'error';
  code?: 'invalid' | 'forbidden' | 'not_found' | 'conflict' | 'unauthenticated' | 'error';
  message?: string;
  fieldErrors?: Record<string, string[] | undefined>;
  result?: Record<string, string>;
  /** What was submitted, so a form that failed keeps the person's input (React resets forms after an action). */
  values?: Record<string, string>;
};

/** The text fields of a submission, minus passwords and framework fields, to hand back on error. */
export function submittedValues(raw: unknown): Record<string, string> {
  if (!raw || typeof raw !== 'object') return {};
  return Object.fromEntries(
    Object.entries(raw as Record<string, unknown>).filter(
      (entry): entry is [string, string] => typeof entry[1] === 'string' && !/password/i.test(entry[0]) && !entry[0].startsWith('$'),
    ),
  );
}

export const idleState: ActionState = { status: 'idle' };
