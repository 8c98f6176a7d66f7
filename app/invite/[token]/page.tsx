import type { Metadata } from 'next';
import Link from 'next/link';
import { redirect } from 'next/navigation';
import { buttonClasses } from '@/components/ui/button';
import { getUserByEmail, getUserById } from '@/db/queries/users';
import { withSystem } from '@/db/withTenant';
import { lookUpInvitation } from '@/lib/auth/invitations';
import { UNPROVEN_EMAIL_REASON } from '@/lib/auth/onboarding';
import { ROLE_LABELS } from '@/lib/auth/permissions';
import { getCurrentSession } from '@/lib/auth/session';
import { isPasswordSignInEnabled } from '@/lib/env';
import { signOutAction } from '../../dashboard/session-actions';
import { AcceptInvitationForm, RegisterFromInvitationForm } from './forms';

export const metadata: Metadata = { title: 'Invitation' };

function Panel({ title, children }: { title: string; children: React.ReactNode }) {
  return (
    <main className="flex min-h-screen items-center justify-center bg-slate-50 px-4 py-12 dark:bg-slate-950">
      <div className="flex w-full max-w-md flex-col gap-4 rounded-2xl border border-slate-200 bg-white p-8 shadow-sm dark:border-slate-800 dark:bg-slate-900">
        <h1 className="text-xl font-semibold">{title}</h1>
        {children}
      </div>
    </main>
  );
}

export default async function InvitationPage({ params }: { params: Promise<{ token: string }> }) {
  const { token } = await params;
  const [lookup, session] = await Promise.all([lookUpInvitation(token), getCurrentSession()]);

  if (lookup.state === 'invalid') {
    return (
      <Panel title="This invitation link is not valid">
        <p className="text-sm text-slate-600 dark:text-slate-400">Check that you copied the whole link, or ask for a new invitation.</p>
      </Panel>
    );
  }
  const { invitation, tenantName } = lookup;
  const isInvitee = session?.email.toLowerCase() === invitation.email;
  if (lookup.state === 'accepted') {
    if (isInvitee) redirect('/dashboard');
    return (
      <Panel title="This invitation was already used">
        <Link href="/sign-in" className={buttonClasses('primary')}>Sign in</Link>
      </Panel>
    );
  }
  if (lookup.state === 'expired') {
    return (
      <Panel title="This invitation has expired">
        <p className="text-sm text-slate-600 dark:text-slate-400">Ask someone at {tenantName} to invite you again.</p>
      </Panel>
    );
  }

  const title = `Join ${tenantName}`;
  const role = `You are invited as ${ROLE_LABELS[invitation.role].toLowerCase()}.`;
  if (session && isInvitee) {
    const account = await withSystem((tx) => getUserById(tx, session.userId));
    const proven = !!account?.emailVerified || !!invitation.emailedAt;
    return (
      <Panel title={title}>
        <p className="text-sm text-slate-600 dark:text-slate-400">{role}</p>
        {proven ? (
          <AcceptInvitationForm token={token} tenantName={tenantName} />
        ) : (
          <p role="alert" className="text-sm text-amber-800 dark:text-amber-200">{UNPROVEN_EMAIL_REASON}</p>
        )}
      </Panel>
    );
  }
  if (session) {
    return (
      <Panel title={title}>
        <p className="text-sm text-slate-600 dark:text-slate-400">
          This invitation is for <span className="font-medium">{invitation.email}</span>, but you are signed in as{' '}
          <span className="font-medium">{session.email}</span>. Sign out, then open the link again.
        </p>
        <form action={signOutAction}>
          <button type="submit" className={buttonClasses('secondary', 'w-full')}>Sign out</button>
        </form>
      </Panel>
    );
  }
  // A new password account needs the link to have come by email: that proves the address.
  const canRegister = isPasswordSignInEnabled() && !!invitation.emailedAt && !(await withSystem((tx) => getUserByEmail(tx, invitation.email)));
  return (
    <Panel title={title}>
      <p className="text-sm text-slate-600 dark:text-slate-400">
        {role} Sign in as <span className="font-medium">{invitation.email}</span> to accept.
      </p>
      <Link href={`/sign-in?callbackUrl=${encodeURIComponent(`/invite/${token}`)}`} className={buttonClasses('secondary', 'w-full')}>
        Sign in to accept
      </Link>
      {!invitation.emailedAt && isPasswordSignInEnabled() && (
        <p className="text-sm text-slate-600 dark:text-slate-400">
          No account yet? This link was shared by hand, so it cannot create a password account for {invitation.email}: ask {tenantName} to
          send the invitation by email, or sign in with a provider that confirms your address.
        </p>
      )}
      {canRegister && (
        <>
          <div className="h-px bg-slate-200 dark:bg-slate-800" />
          <RegisterFromInvitationForm token={token} email={invitation.email} />
        </>
      )}
    </Panel>
  );
}
