'use server';

import { AuthError } from 'next-auth';
import { redirect } from 'next/navigation';
import { z } from 'zod';
import { createPasswordUser, getUserByEmail } from '@/db/queries/users';
import { withSystem } from '@/db/withTenant';
import type { ActionState } from '@/lib/actions/state';
import { signIn, updateSession } from '@/lib/auth/config';
import { lookUpInvitation } from '@/lib/auth/invitations';
import { redeemInvitation, UNPROVEN_EMAIL_REASON } from '@/lib/auth/onboarding';
import { hashPassword } from '@/lib/auth/passwords';
import { getCurrentSession } from '@/lib/auth/session';
import { isPasswordSignInEnabled } from '@/lib/env';

export async function acceptInvitationAction(_state: ActionState, formData: FormData): Promise<ActionState> {
  const token = String(formData.get('token') ?? '');
  const session = await getCurrentSession();
  if (!session) return { status: 'error', code: 'unauthenticated', message: 'Sign in first to accept this invitation.' };
  const redemption = await redeemInvitation(token, session.userId);
  if (redemption.status === 'refused') return { status: 'error', code: 'forbidden', message: redemption.reason };
  await updateSession({ tenantId: redemption.workspace.tenantId } as never);
  redirect('/dashboard');
}

const registrationSchema = z.object({
  token: z.string().min(1),
  name: z.string().trim().min(1, 'Enter your name.').max(100, 'At most 100 characters.'),
  password: z.string().min(10, 'Use at least 10 characters.').max(200, 'At most 200 characters.'),
});

/**
 * Creates a password account for the invited email (where password sign-in is enabled) and
 * joins, then signs in. Only from a link that was emailed to that address: holding it proves
 * the mailbox. A link shown to the inviter proves nothing about who holds it.
 */
export async function registerFromInvitationAction(_state: ActionState, formData: FormData): Promise<ActionState> {
  if (!isPasswordSignInEnabled()) return { status: 'error', code: 'forbidden', message: 'Password accounts are not enabled here.' };
  const parsed = registrationSchema.safeParse(Object.fromEntries(formData));
  if (!parsed.success) {
    return { status: 'error', code: 'invalid', message: 'Please correct the highlighted fields.', fieldErrors: z.flattenError(parsed.error).fieldErrors };
  }
  const lookup = await lookUpInvitation(parsed.data.token);
  if (lookup.state !== 'pending') return { status: 'error', code: 'not_found', message: 'This invitation is no longer valid.' };
  if (!lookup.invitation.emailedAt) return { status: 'error', code: 'forbidden', message: UNPROVEN_EMAIL_REASON };
  const email = lookup.invitation.email;
  const passwordHash = await hashPassword(parsed.data.password);
  const created = await withSystem(async (tx) => {
    if (await getUserByEmail(tx, email)) return undefined;
    return createPasswordUser(tx, { email, name: parsed.data.name, passwordHash });
  });
  if (!created) return { status: 'error', code: 'conflict', message: 'An account with this email already exists: sign in instead.' };
  const redemption = await redeemInvitation(parsed.data.token, created.id);
  if (redemption.status === 'refused') return { status: 'error', code: 'forbidden', message: redemption.reason };
  try {
    // The new account's latest workspace is the one it just joined.
    await signIn('credentials', { email, password: parsed.data.password, redirectTo: '/dashboard' });
  } catch (error) {
    if (error instanceof AuthError) return { status: 'error', code: 'error', message: 'Your account was created, but signing in failed. Try signing in.' };
    throw error;
  }
  return { status: 'success' };
}
