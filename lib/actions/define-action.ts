import 'server-only';
import { z } from 'zod';
import { RoleRequiredError, TenantAccessError, type TenantContext, type TenantSession, type Transaction, withTenant } from '@/db/withTenant';
import { getCurrentSession } from '@/lib/auth/session';
import { PERMISSIONS, type Permission } from '@/lib/auth/permissions';
import { type ActionState, submittedValues } from './state';

/** Thrown by a handler for an expected failure: the transaction rolls back and the message is shown. */
export class ActionError extends Error {
  constructor(
    message: string,
    readonly code: 'not_found' | 'forbidden' | 'conflict' | 'invalid' = 'invalid',
    /** Problems found by the handler, shown under their fields (e.g. every bad row of an import). */
    readonly fieldErrors?: Record<string, string[]>,
  ) {
    super(message);
    this.name = 'ActionError';
  }
}

type Handler<S extends z.ZodType> = (
  tx: Transaction,
  context: TenantContext,
  input: z.output<S>,
) => Promise<{
  message: string;
  result?: Record<string, string>;
  /**
   * Work that must only happen once the transaction has committed (enqueueing a job, sending
   * mail: never hold a transaction open on the network). It may replace the outcome's message
   * and result with what it found (a mail that could not be sent).
   */
  afterCommit?: () => Promise<void | Pick<ActionState, 'message' | 'result'>>;
}>;

export type TenantAction = {
  permission: Permission;
  /** Runs the action as the given session (what tests call). */
  run: (session: TenantSession, input: unknown) => Promise<ActionState>;
  /** Runs the action for the signed-in user from a submitted form (what server actions call). */
  fromForm: (formData: FormData) => Promise<ActionState>;
};

/**
 * The one way a mutation reaches tenant data: the session, the role matrix (checked against
 * the database inside the transaction), zod validation, then the handler inside withTenant.
 */
export function defineAction<S extends z.ZodType>(definition: { permission: Permission; input: S; handler: Handler<S> }): TenantAction {
  const run = async (session: TenantSession, raw: unknown): Promise<ActionState> => {
    let afterCommit: (() => Promise<void | Pick<ActionState, 'message' | 'result'>>) | undefined;
    try {
      const state = await withTenant<ActionState>(
        session,
        async (tx, context) => {
          const parsed = definition.input.safeParse(raw);
          if (!parsed.success) {
            return {
              status: 'error',
              code: 'invalid',
              message: 'Please correct the highlighted fields.',
              fieldErrors: z.flattenError(parsed.error).fieldErrors as Record<string, string[]>,
              values: submittedValues(raw),
            };
          }
          const outcome = await definition.handler(tx, context, parsed.data);
          afterCommit = outcome.afterCommit;
          return { status: 'success', message: outcome.message, result: outcome.result };
        },
        { roles: PERMISSIONS[definition.permission] },
      );
      return { ...state, ...(await afterCommit?.()) };
    } catch (error) {
      if (error instanceof ActionError) return { status: 'error', code: error.code, message: error.message, fieldErrors: error.fieldErrors, values: submittedValues(raw) };
      if (error instanceof RoleRequiredError) {
        return { status: 'error', code: 'forbidden', message: 'Your role in this workspace does not allow that.' };
      }
      if (error instanceof TenantAccessError) {
        return { status: 'error', code: 'unauthenticated', message: 'You are no longer a member of this workspace.' };
      }
      console.error('Action failed', error);
      return { status: 'error', code: 'error', message: 'Something went wrong and nothing was changed. Please try again.' };
    }
  };

  const fromForm = async (formData: FormData): Promise<ActionState> => {
    const session = await getCurrentSession();
    if (!session) return { status: 'error', code: 'unauthenticated', message: 'Your session has ended. Please sign in again.' };
    return run(session, Object.fromEntries([...formData.entries()].filter(([key]) => !key.startsWith('$ACTION'))));
  };

  return { permission: definition.permission, run, fromForm };
}
