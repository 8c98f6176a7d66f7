import type { Metadata } from 'next';
import Link from 'next/link';
import { redirect } from 'next/navigation';
import { buttonClasses } from '@/components/ui/button';
import { getUserByEmail } from '@/db/queries/users';
import { withSystem } from '@/db/withTenant';
import { lookUpInvitation } from '@/lib/auth/invitations';
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
    return (
      <Panel title={title}>
        <p className="text-sm text-slate-600 dark:text-slate-400">{role}</p>
        <AcceptInvitationForm token={token} tenantName={tenantName} />
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
  const canRegister = isPasswordSignInEnabled() && !(await withSystem((tx) => getUserByEmail(tx, invitation.email)));
  return (
    <Panel title={title}>
      <p className="text-sm text-slate-600 dark:text-slate-400">
        {role} Sign in as <span className="font-medium">{invitation.email}</span> to accept.
      </p>
      <Link href={`/sign-in?callbackUrl=${encodeURIComponent(`/invite/${token}`)}`} className={buttonClasses('secondary', 'w-full')}>
        Sign in to accept
      </Link>
      {canRegister && (
        <>
          <div className="h-px bg-slate-200 dark:bg-slate-800" />
          <RegisterFromInvitationForm token={token} email={invitation.email} />
        </>
      )}
    </Panel>
  );
}
