import 'server-only';
import { and, desc, eq, isNull, sql } from 'drizzle-orm';
import type { Transaction } from '../client';
import { invitations, type MemberRole, tenants } from '../schema';

export async function listPendingInvitations(tx: Transaction, tenantId: string) {
  return tx
    .select({
      id: invitations.id,
      email: invitations.email,
      role: invitations.role,
      expiresAt: invitations.expiresAt,
      expired: sql<boolean>`${invitations.expiresAt} <= now()`,
    })
    .from(invitations)
    .where(and(eq(invitations.tenantId, tenantId), isNull(invitations.acceptedAt)))
    .orderBy(desc(invitations.createdAt));
}

/** Creates an invitation, replacing a pending one for the same email (a fresh link, a fresh expiry). */
export async function upsertInvitation(
  tx: Transaction,
  values: { tenantId: string; email: string; role: MemberRole; tokenHash: string; invitedBy: string; expiresAt: Date },
) {
  const email = values.email.trim().toLowerCase();
  await tx
    .delete(invitations)
    .where(
      and(
        eq(invitations.tenantId, values.tenantId),
        eq(sql`lower(${invitations.email})`, email),
        isNull(invitations.acceptedAt),
      ),
    );
  const [invitation] = await tx.insert(invitations).values({ ...values, email }).returning();
  return invitation!;
}

export async function revokeInvitation(tx: Transaction, tenantId: string, invitationId: string) {
  const deleted = await tx
    .delete(invitations)
    .where(and(eq(invitations.tenantId, tenantId), eq(invitations.id, invitationId), isNull(invitations.acceptedAt)))
    .returning({ id: invitations.id });
  return deleted.length > 0;
}

/** Looks an invitation up by its link token hash, across tenants (run through withSystem). */
export async function findInvitationByTokenHash(tx: Transaction, tokenHash: string) {
  const [row] = await tx
    .select({ invitation: invitations, tenantName: tenants.name })
    .from(invitations)
    .innerJoin(tenants, eq(tenants.id, invitations.tenantId))
    .where(eq(invitations.tokenHash, tokenHash));
  return row;
}

/** Records that the link went by email to the invited address only (run after sending). */
export async function markInvitationEmailed(tx: Transaction, tenantId: string, invitationId: string) {
  await tx
    .update(invitations)
    .set({ emailedAt: sql`now()` })
    .where(and(eq(invitations.tenantId, tenantId), eq(invitations.id, invitationId), isNull(invitations.acceptedAt)));
}

export async function markInvitationAccepted(tx: Transaction, tenantId: string, invitationId: string) {
  const [updated] = await tx
    .update(invitations)
    .set({ acceptedAt: new Date() })
    .where(and(eq(invitations.tenantId, tenantId), eq(invitations.id, invitationId), isNull(invitations.acceptedAt)))
    .returning({ id: invitations.id });
  return !!updated;
}
