import 'server-only';
import { markInvitationAccepted } from '@/db/queries/invitations';
import { addMember, listUserWorkspaces } from '@/db/queries/memberships';
import { createPersonality, DEFAULT_SYSTEM_PROMPT } from '@/db/queries/personalities';
import { getUserById, markEmailVerified } from '@/db/queries/users';
import type { Invitation, MemberRole } from '@/db/schema';
import { withNewTenant, withSystem, withTenantId } from '@/db/withTenant';
import { lookUpInvitation } from './invitations';
import { newPublishableKey } from './tokens';

export type Workspace = { tenantId: string; role: MemberRole };
type SignInUser = { id: string; email?: string | null; name?: string | null };

/** Joins the invitation's tenant with the invited role; false if it was already used. */
export async function acceptInvitation(invitation: Invitation, userId: string): Promise<boolean> {
  return withTenantId(invitation.tenantId, async (tx) => {
    const accepted = await markInvitationAccepted(tx, invitation.tenantId, invitation.id);
    if (accepted) await addMember(tx, invitation.tenantId, userId, invitation.role);
    return accepted;
  });
}

/** A new tenant owned by the user, with a default personality and a publishable key. */
export async function createWorkspace(user: SignInUser): Promise<Workspace> {
  const displayName = user.name?.trim() || user.email?.split('@')[0] || 'My';
  return withNewTenant({ name: `${displayName}'s workspace`, publishableKey: newPublishableKey() }, async (tx, tenant) => {
    await addMember(tx, tenant.id, user.id, 'owner');
    await createPersonality(tx, {
      tenantId: tenant.id,
      name: 'Assistant',
      description: 'The default voice of your assistant. Edit it to match your brand.',
      systemPrompt: DEFAULT_SYSTEM_PROMPT,
      isDefault: true,
    });
    return { tenantId: tenant.id, role: 'owner' };
  });
}

export const UNPROVEN_EMAIL_REASON =
  'This link was shared by hand, so it cannot show that the address is yours. Sign in with a provider that confirms your email address, or ask the workspace to send the invitation by email.';

export type InvitationRedemption = { status: 'joined'; workspace: Workspace } | { status: 'refused'; reason: string };

/**
 * Redeems an invitation link: the only way into someone else's workspace. The invited address
 * must be the user's, and the user must have proven they receive mail there: a verified email
 * (a provider's verified claim, an earlier emailed link), or this very link having been emailed
 * to that address and to no one else. An email match alone never admits anyone.
 */
export async function redeemInvitation(token: string, userId: string): Promise<InvitationRedemption> {
  const refused = (reason: string): InvitationRedemption => ({ status: 'refused', reason });
  const lookup = await lookUpInvitation(token);
  if (lookup.state === 'accepted') return refused('This invitation was already used.');
  if (lookup.state !== 'pending') return refused('This invitation is no longer valid.');
  const { invitation } = lookup;
  const user = await withSystem((tx) => getUserById(tx, userId));
  if (!user || user.email.toLowerCase() !== invitation.email) return refused(`This invitation is for ${invitation.email}.`);
  if (!user.emailVerified && !invitation.emailedAt) return refused(UNPROVEN_EMAIL_REASON);
  if (!(await acceptInvitation(invitation, userId))) return refused('This invitation was already used.');
  if (!user.emailVerified) await withSystem((tx) => markEmailVerified(tx, userId));
  return { status: 'joined', workspace: { tenantId: invitation.tenantId, role: invitation.role } };
}

/**
 * Where a user lands after signing in: the workspace of the invitation they signed in to
 * accept (its token, remembered by the sign-in), otherwise their most recent workspace,
 * otherwise a new workspace they own.
 */
export async function resolveWorkspaceOnSignIn(user: SignInUser, invitationToken?: string): Promise<Workspace> {
  if (invitationToken) {
    const redemption = await redeemInvitation(invitationToken, user.id);
    if (redemption.status === 'joined') return redemption.workspace;
  }
  const [latest] = await withSystem((tx) => listUserWorkspaces(tx, user.id));
  if (latest) return { tenantId: latest.tenantId, role: latest.role };
  return createWorkspace(user);
}
