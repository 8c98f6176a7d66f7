import 'server-only';
import { findPendingInvitationForEmail, markInvitationAccepted } from '@/db/queries/invitations';
import { addMember, listUserWorkspaces } from '@/db/queries/memberships';
import { createPersonality, DEFAULT_SYSTEM_PROMPT } from '@/db/queries/personalities';
import type { Invitation, MemberRole } from '@/db/schema';
import { withNewTenant, withSystem, withTenantId } from '@/db/withTenant';
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

/**
 * Where a user lands after signing in: a pending invitation for their email joins that
 * tenant; otherwise their most recent workspace; otherwise a new workspace they own.
 */
export async function resolveWorkspaceOnSignIn(user: SignInUser): Promise<Workspace> {
  const invitation = user.email ? await withSystem((tx) => findPendingInvitationForEmail(tx, user.email!)) : undefined;
  if (invitation && (await acceptInvitation(invitation, user.id))) {
    return { tenantId: invitation.tenantId, role: invitation.role };
  }
  const [latest] = await withSystem((tx) => listUserWorkspaces(tx, user.id));
  if (latest) return { tenantId: latest.tenantId, role: latest.role };
  return createWorkspace(user);
}
