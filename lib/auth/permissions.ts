import type { MemberRole } from '@/db/schema';

// The one server-side role matrix. Every mutating action names a permission; the action
// wrapper refuses it for roles not listed here, whatever the UI shows.
//   owner: everything.  admin: everything but owners, keys and deleting the workspace.
//   member: read-only.
export const PERMISSIONS = {
  'workspace:update': ['owner', 'admin'],
  'workspace:delete': ['owner'],
  'team:invite': ['owner', 'admin'],
  'team:manage-members': ['owner', 'admin'],
  'team:manage-owners': ['owner'],
  'keys:manage': ['owner'],
  'knowledge:manage': ['owner', 'admin'],
  'widgets:manage': ['owner', 'admin'],
  'conversations:delete': ['owner', 'admin'],
  'personalities:manage': ['owner', 'admin'],
  // Playground turns call the model and cost money: not for read-only members.
  'playground:chat': ['owner', 'admin'],
  'budgets:manage': ['owner', 'admin'],
  // Human handoff: every member works the Inbox (take, reply, hand back, resolve their own)...
  'inbox:work': ['owner', 'admin', 'member'],
  // ...owners and admins also hand back or resolve anyone's, and set office hours.
  'inbox:supervise': ['owner', 'admin'],
  'support:manage': ['owner', 'admin'],
  // Create, end and delete meetings, guest links, and bringing in the assistant (it spends
  // money). Every member may join a meeting: that is a token, not an action.
  'meetings:manage': ['owner', 'admin'],
  // Test sets and their questions; runs and question generation call models and cost money.
  'evaluation:manage': ['owner', 'admin'],
  'evaluation:run': ['owner', 'admin'],
} as const satisfies Record<string, readonly MemberRole[]>;

export type Permission = keyof typeof PERMISSIONS;

export function can(role: MemberRole, permission: Permission): boolean {
  return (PERMISSIONS[permission] as readonly MemberRole[]).includes(role);
}

export const ROLE_LABELS: Record<MemberRole, string> = { owner: 'Owner', admin: 'Admin', member: 'Member' };
