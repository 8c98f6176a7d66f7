'use server';

import { AuthError, CredentialsSignin } from 'next-auth';
import { z } from 'zod';
import { type ActionState, submittedValues } from '@/lib/actions/state';
import { signIn } from '@/lib/auth/config';
import { rememberPendingInvitation } from '@/lib/auth/pending-invitation';
import { safeCallbackUrl } from '@/lib/auth/redirects';

const passwordSignInSchema = z.object({
  email: z.email('Enter a valid email address.'),
  password: z.string().min(1, 'Enter your password.'),
  callbackUrl: z.string().optional(),
});

export async function signInWithPassword(_previous: ActionState, formData: FormData): Promise<ActionState> {
  const raw = Object.fromEntries(formData);
  const values = submittedValues(raw);
  const parsed = passwordSignInSchema.safeParse(raw);
  if (!parsed.success) {
    return { status: 'error', code: 'invalid', message: 'Please correct the highlighted fields.', fieldErrors: z.flattenError(parsed.error).fieldErrors, values };
  }
  const redirectTo = safeCallbackUrl(parsed.data.callbackUrl);
  await rememberPendingInvitation(redirectTo);
  try {
    await signIn('credentials', { email: parsed.data.email, password: parsed.data.password, redirectTo });
    return { status: 'success' };
  } catch (error) {
    if (error instanceof CredentialsSignin && error.code === 'rate_limited') {
      return { status: 'error', code: 'forbidden', message: 'Too many sign-in attempts. Please wait 15 minutes and try again.', values };
    }
    // One message whatever went wrong, so it never reveals which emails have accounts.
    if (error instanceof AuthError) return { status: 'error', code: 'invalid', message: 'That email and password do not match.', values };
    throw error; // the redirect after a successful sign-in
  }
}

export async function signInWithProvider(formData: FormData): Promise<void> {
  const provider = z.string().min(1).max(50).parse(formData.get('provider'));
  const redirectTo = safeCallbackUrl(formData.get('callbackUrl'));
  await rememberPendingInvitation(redirectTo);
  await signIn(provider, { redirectTo });
}
