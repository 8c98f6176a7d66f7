// Shared by server actions and the client forms that show their outcome (useActionState).
export type ActionState = {
  status: 'idle' | 'success' | 'error';
  code?: 'invalid' | 'forbidden' | 'not_found' | 'conflict' | 'unauthenticated' | 'error';
  message?: string;
  fieldErrors?: Record<string, string[] | undefined>;
  result?: Record<string, string>;
};

export const idleState: ActionState = { status: 'idle' };
