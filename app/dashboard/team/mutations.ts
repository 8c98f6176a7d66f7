import 'server-only';
import { and, eq, sql } from 'drizzle-orm';
import { z } from 'zod';
import { markInvitationEmailed, revokeInvitation, upsertInvitation } from '@/db/queries/invitations';
import { countOwnersForUpdate, getMember, removeMember, setMemberRole } from '@/db/queries/memberships';
import { getTenantById } from '@/db/queries/tenants';
import { MEMBER_ROLES, memberships, users } from '@/db/schema';
import { type TenantContext, type Transaction, withTenantId } from '@/db/withTenant';
import { ActionError, defineAction } from '@/lib/actions/define-action';
import { can } from '@/lib/auth/permissions';
import { newInvitationToken } from '@/lib/auth/tokens';
import { canEmailInvitations, sendInvitationEmail } from '@/lib/email';

export const INVITATION_TTL_DAYS = 7;

const roleField = z.enum(MEMBER_ROLES, 'Choose a role.');
const memberField = z.uuid('Unknown member.');

function requireOwnerPowers(context: TenantContext, what: string) {
  if (!can(context.role, 'team:manage-owners')) throw new ActionError(`Only owners can ${what}.`, 'forbidden');
}

async function requireMember(tx: Transaction, tenantId: string, userId: string) {
  const member = await getMember(tx, tenantId, userId);
  if (!member) throw new ActionError('That member was not found in this workspace.', 'not_found');
  return member;
}

/** Refuses to leave the workspace without an owner; locks owner rows so concurrent changes cannot race past it. */
async function requireAnotherOwner(tx: Transaction, tenantId: string) {
  if ((await countOwnersForUpdate(tx, tenantId)) <= 1) {
    throw new ActionError('A workspace needs at least one owner. Make someone else an owner first.', 'conflict');
  }
}

export const inviteMember = defineAction({
  permission: 'team:invite',
  input: z.object({
    email: z.email('Enter a valid email address.').transform((email) => email.trim().toLowerCase()),
    role: roleField,
  }),
  handler: async (tx, context, { email, role }) => {
    if (role === 'owner') requireOwnerPowers(context, 'invite owners');
    const [existing] = await tx
      .select({ userId: memberships.userId })
      .from(memberships)
      .innerJoin(users, eq(users.id, memberships.userId))
      .where(and(eq(memberships.tenantId, context.tenantId), eq(sql`lower(${users.email})`, email)));
    if (existing) throw new ActionError(`${email} is already a member of this workspace.`, 'conflict');

    const { token, hash } = newInvitationToken();
    const expiresAt = new Date(Date.now() + INVITATION_TTL_DAYS * 86_400_000);
    const invitation = await upsertInvitation(tx, { tenantId: context.tenantId, email, role, tokenHash: hash, invitedBy: context.userId, expiresAt });
    const tenant = await getTenantById(tx, context.tenantId);
    const path = `/invite/${token}`;
    const copyTheLink = (why: string) => ({ message: `${why} Copy the link below and send it to ${email}; it expires in ${INVITATION_TTL_DAYS} days.`, result: { path, email } });
    if (!canEmailInvitations()) return copyTheLink('Invitation created.');
    // Sent once the invitation is committed (a slow mail relay must not hold the transaction).
    // An emailed link is never shown here: only then does holding it prove the mailbox.
    return {
      message: `Invitation emailed to ${email}. The link expires in ${INVITATION_TTL_DAYS} days.`,
      result: { email },
      afterCommit: async () => {
        if (!(await sendInvitationEmail({ to: email, workspace: tenant?.name ?? 'a workspace', path }))) {
          return copyTheLink('The invitation email could not be sent.');
        }
        await withTenantId(context.tenantId, (scoped) => markInvitationEmailed(scoped, context.tenantId, invitation.id));
      },
    };
  },
});

export const cancelInvitation = defineAction({
  permission: 'team:invite',
  input: z.object({ invitationId: z.uuid('Unknown invitation.') }),
  handler: async (tx, { tenantId }, { invitationId }) => {
    if (!(await revokeInvitation(tx, tenantId, invitationId))) {
      throw new ActionError('That invitation was not found or was already accepted.', 'not_found');
    }
    return { message: 'Invitation revoked: its link no longer works.' };
  },
});

export const changeMemberRole = defineAction({
  permission: 'team:manage-members',
  input: z.object({ userId: memberField, role: roleField }),
  handler: async (tx, context, { userId, role }) => {
    const member = await requireMember(tx, context.tenantId, userId);
    if (member.role === role) return { message: 'Role unchanged.' };
    if (member.role === 'owner' || role === 'owner') requireOwnerPowers(context, 'add or remove owners');
    if (member.role === 'owner') await requireAnotherOwner(tx, context.tenantId);
    await setMemberRole(tx, context.tenantId, userId, role);
    return { message: 'Role updated. It applies from their next request.' };
  },
});

export const removeTeamMember = defineAction({
  permission: 'team:manage-members',
  input: z.object({ userId: memberField }),
  handler: async (tx, context, { userId }) => {
    const member = await requireMember(tx, context.tenantId, userId);
    if (member.role === 'owner') {
      requireOwnerPowers(context, 'remove owners');
      await requireAnotherOwner(tx, context.tenantId);
    }
    await removeMember(tx, context.tenantId, userId);
    return { message: 'Member removed. Their next request is refused.' };
  },
});

export const transferOwnership = defineAction({
  permission: 'team:manage-owners',
  input: z.object({ userId: memberField }),
  handler: async (tx, context, { userId }) => {
    if (userId === context.userId) throw new ActionError('You already own this workspace.');
    await requireMember(tx, context.tenantId, userId);
    await countOwnersForUpdate(tx, context.tenantId);
    await setMemberRole(tx, context.tenantId, userId, 'owner');
    await setMemberRole(tx, context.tenantId, context.userId, 'admin');
    return { message: 'Ownership transferred. You are now an admin.' };
  },
});
