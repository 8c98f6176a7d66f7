import 'server-only';
import { findInvitationByTokenHash } from '@/db/queries/invitations';
import type { Invitation } from '@/db/schema';
import { withSystem } from '@/db/withTenant';
import { sha256 } from './tokens';

export type InvitationLookup =
  | { state: 'invalid' }
  | { state: 'accepted' | 'expired' | 'pending'; invitation: Invitation; tenantName: string };

/** What an invitation link points at, looked up by the hash of its token. */
export async function lookUpInvitation(token: string): Promise<InvitationLookup> {
  if (!/^[A-Za-z0-9]{20,64}$/.test(token)) return { state: 'invalid' };
  const found = await withSystem((tx) => findInvitationByTokenHash(tx, sha256(token)));
  if (!found) return { state: 'invalid' };
  const { invitation, tenantName } = found;
  if (invitation.acceptedAt) return { state: 'accepted', invitation, tenantName };
  if (invitation.expiresAt.getTime() <= Date.now()) return { state: 'expired', invitation, tenantName };
  return { state: 'pending', invitation, tenantName };
}
