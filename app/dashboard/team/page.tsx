import type { Metadata } from 'next';
import { ActionForm } from '@/components/action-form';
import { Card } from '@/components/ui/card';
import { Select } from '@/components/ui/field';
import { SubmitButton } from '@/components/ui/submit-button';
import { listPendingInvitations } from '@/db/queries/invitations';
import { listMembers } from '@/db/queries/memberships';
import { can, ROLE_LABELS } from '@/lib/auth/permissions';
import { withDashboardTenant } from '@/lib/auth/session';
import { cancelInvitationAction, changeMemberRoleAction, removeMemberAction, transferOwnershipAction } from './actions';
import { InviteForm } from './invite-form';

export const metadata: Metadata = { title: 'Team' };

const dateFormat = new Intl.DateTimeFormat('en-US', { dateStyle: 'medium' });

export default async function TeamPage() {
  const { members, invitations, role, userId } = await withDashboardTenant(async (tx, context) => ({
    members: await listMembers(tx, context.tenantId),
    invitations: await listPendingInvitations(tx, context.tenantId),
    role: context.role,
    userId: context.userId,
  }));
  const canManage = can(role, 'team:manage-members');
  const canManageOwners = can(role, 'team:manage-owners');

  return (
    <div className="flex flex-col gap-6">
      <h1 className="text-2xl font-semibold">Team</h1>
      {can(role, 'team:invite') && (
        <Card title="Invite a teammate" description="They get a link that expires in 7 days. Members can look at everything but change nothing.">
          <InviteForm canInviteOwners={canManageOwners} />
        </Card>
      )}

      <Card title={`Members (${members.length})`}>
        <ul className="divide-y divide-slate-200 dark:divide-slate-800" aria-label="Members">
          {members.map((member) => {
            const editable = canManage && (member.role !== 'owner' || canManageOwners);
            const label = member.name ?? member.email;
            return (
              <li key={member.userId} className="flex flex-col gap-3 py-4 lg:flex-row lg:items-center lg:justify-between" data-testid="member-row">
                <div className="min-w-0">
                  <p className="truncate font-medium">
                    {label} {member.userId === userId && <span className="text-xs text-slate-500">(you)</span>}
                  </p>
                  <p className="truncate text-sm text-slate-500">
                    {member.email} · joined {dateFormat.format(member.joinedAt)}
                  </p>
                </div>
                {editable ? (
                  <div className="flex flex-wrap items-start gap-2">
                    <ActionForm action={changeMemberRoleAction}>
                      <input type="hidden" name="userId" value={member.userId} />
                      <Select name="role" id={`role-${member.userId}`} aria-label={`Role of ${label}`} defaultValue={member.role} className="w-32">
                        <option value="member">Member</option>
                        <option value="admin">Admin</option>
                        {canManageOwners && <option value="owner">Owner</option>}
                      </Select>
                      <SubmitButton variant="secondary">Change role</SubmitButton>
                    </ActionForm>
                    {canManageOwners && member.userId !== userId && (
                      <ActionForm action={transferOwnershipAction} confirm={`Make ${label} the owner? You will become an admin.`}>
                        <input type="hidden" name="userId" value={member.userId} />
                        <SubmitButton variant="secondary">Transfer ownership</SubmitButton>
                      </ActionForm>
                    )}
                    <ActionForm action={removeMemberAction} confirm={`Remove ${label} from this workspace?`}>
                      <input type="hidden" name="userId" value={member.userId} />
                      <SubmitButton variant="danger">{member.userId === userId ? 'Leave' : 'Remove'}</SubmitButton>
                    </ActionForm>
                  </div>
                ) : (
                  <span className="rounded-full bg-slate-100 px-2.5 py-1 text-xs font-medium dark:bg-slate-800">{ROLE_LABELS[member.role]}</span>
                )}
              </li>
            );
          })}
        </ul>
      </Card>

      <Card title="Pending invitations" description={invitations.length ? undefined : 'No pending invitations.'}>
        {invitations.length > 0 && (
          <ul className="divide-y divide-slate-200 dark:divide-slate-800" aria-label="Pending invitations">
            {invitations.map((invitation) => {
              return (
                <li key={invitation.id} className="flex flex-wrap items-center justify-between gap-3 py-3">
                  <div>
                    <p className="font-medium">{invitation.email}</p>
                    <p className="text-sm text-slate-500">
                      {ROLE_LABELS[invitation.role]} · {invitation.expired ? 'expired' : `expires ${dateFormat.format(invitation.expiresAt)}`}
                    </p>
                  </div>
                  {can(role, 'team:invite') && (
                    <ActionForm action={cancelInvitationAction}>
                      <input type="hidden" name="invitationId" value={invitation.id} />
                      <SubmitButton variant="secondary">Revoke</SubmitButton>
                    </ActionForm>
                  )}
                </li>
              );
            })}
          </ul>
        )}
      </Card>
    </div>
  );
}
