import 'server-only';
import { redirect } from 'next/navigation';
import { cache } from 'react';
import { getUserSessionVersion } from '@/db/queries/users';
import { type TenantContext, TenantAccessError, type TenantSession, type Transaction, withSystem, withTenant } from '@/db/withTenant';
import { auth } from './config';

export type SessionUser = TenantSession & { email: string; name: string | null; image: string | null };

/**
 * The signed-in user, or null. The session token alone is not trusted: the user must still
 * exist and the token must not predate a "sign out everywhere". Cached per request.
 */
export const getCurrentSession = cache(async (): Promise<SessionUser | null> => {
  const session = await auth();
  const userId = session?.user?.id;
  if (!userId || !session.tenantId) return null;
  const version = await withSystem((tx) => getUserSessionVersion(tx, userId));
  if (version === undefined || version !== session.sessionVersion) return null;
  return {
    userId,
    tenantId: session.tenantId,
    email: session.user.email ?? '',
    name: session.user.name ?? null,
    image: session.user.image ?? null,
  };
});

export async function requireSession(): Promise<SessionUser> {
  const session = await getCurrentSession();
  if (!session) redirect('/sign-in');
  return session;
}

/**
 * Reads tenant data for a dashboard page: signed in, still a member (checked in the same
 * transaction), else off to sign-in or the no-access page.
 */
export async function withDashboardTenant<T>(
  fn: (tx: Transaction, context: TenantContext, session: SessionUser) => Promise<T>,
): Promise<T> {
  const session = await requireSession();
  try {
    return await withTenant(session, (tx, context) => fn(tx, context, session));
  } catch (error) {
    if (error instanceof TenantAccessError) redirect('/no-access');
    throw error;
  }
}
