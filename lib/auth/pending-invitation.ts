import 'server-only';
import { cookies, headers } from 'next/headers';

// "Sign in to accept" on an invitation page: the sign-in action remembers the invitation's
// token in a short-lived, HTTP-only cookie, and the first sign-in redeems it (the token, not
// the email address, is what admits someone to a workspace).

const COOKIE = 'pending_invitation';
const INVITATION_PATH = /^\/invite\/([A-Za-z0-9]{20,64})$/;
// Long enough to get through a provider's sign-in (and its MFA), short enough not to linger.
const COOKIE_MAX_AGE_SECONDS = 3600;

/** Remembers the invitation a sign-in started from, when its return path is an invitation link. */
export async function rememberPendingInvitation(callbackUrl: string): Promise<void> {
  const token = INVITATION_PATH.exec(callbackUrl)?.[1];
  if (!token) return;
  const secure = (await headers()).get('x-forwarded-proto') === 'https';
  (await cookies()).set(COOKIE, token, { httpOnly: true, sameSite: 'lax', path: '/', maxAge: COOKIE_MAX_AGE_SECONDS, secure });
}

/** The remembered invitation token, once: it is cleared as it is read. Undefined outside a request. */
export async function takePendingInvitation(): Promise<string | undefined> {
  try {
    const jar = await cookies();
    const token = jar.get(COOKIE)?.value;
    if (token) jar.delete(COOKIE);
    return token;
  } catch {
    return undefined;
  }
}
