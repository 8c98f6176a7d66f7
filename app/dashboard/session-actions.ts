'use server';

import { redirect } from 'next/navigation';
import { z } from 'zod';
import { bumpSessionVersion } from '@/db/queries/users';
import { withSystem } from '@/db/withTenant';
import { signOut, updateSession } from '@/lib/auth/config';
import { getCurrentSession } from '@/lib/auth/session';

export async function signOutAction() {
  await signOut({ redirectTo: '/sign-in' });
}

/** Invalidates every session of this user, on every device, then signs this one out. */
export async function signOutEverywhereAction() {
  const session = await getCurrentSession();
  if (session) await withSystem((tx) => bumpSessionVersion(tx, session.userId));
  await signOut({ redirectTo: '/sign-in' });
}

export async function switchWorkspaceAction(formData: FormData) {
  const tenantId = z.uuid().safeParse(formData.get('tenantId'));
  if (tenantId.success && (await getCurrentSession())) {
    // The jwt callback only accepts a workspace the user is a member of.
    await updateSession({ tenantId: tenantId.data } as never);
  }
  redirect('/dashboard');
}
