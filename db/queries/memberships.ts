import 'server-only';
import { and, asc, count, desc, eq } from 'drizzle-orm';
import type { Transaction } from '../client';
import { type MemberRole, memberships, tenants, users } from '../schema';

export async function listMembers(tx: Transaction, tenantId: string) {
  return tx
    .select({
      userId: memberships.userId,
      role: memberships.role,
      joinedAt: memberships.createdAt,
      name: users.name,
      email: users.email,
      image: users.image,
    })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(eq(memberships.tenantId, tenantId))
    .orderBy(asc(memberships.createdAt), asc(users.email));
}

export async function getMember(tx: Transaction, tenantId: string, userId: string) {
  const [member] = await tx
    .select({ userId: memberships.userId, role: memberships.role })
    .from(memberships)
    .where(and(eq(memberships.tenantId, tenantId), eq(memberships.userId, userId)));
  return member;
}

export async function addMember(tx: Transaction, tenantId: string, userId: string, role: MemberRole) {
  await tx.insert(memberships).values({ tenantId, userId, role }).onConflictDoNothing();
}

export async function setMemberRole(tx: Transaction, tenantId: string, userId: string, role: MemberRole) {
  const [updated] = await tx
    .update(memberships)
    .set({ role })
    .where(and(eq(memberships.tenantId, tenantId), eq(memberships.userId, userId)))
    .returning({ userId: memberships.userId });
  return !!updated;
}

export async function removeMember(tx: Transaction, tenantId: string, userId: string) {
  const deleted = await tx
    .delete(memberships)
    .where(and(eq(memberships.tenantId, tenantId), eq(memberships.userId, userId)))
    .returning({ userId: memberships.userId });
  return deleted.length > 0;
}

/** Locks the tenant's owner rows so two concurrent demotions cannot both pass the last-owner check. */
export async function countOwnersForUpdate(tx: Transaction, tenantId: string): Promise<number> {
  const owners = await tx
    .select({ userId: memberships.userId })
    .from(memberships)
    .where(and(eq(memberships.tenantId, tenantId), eq(memberships.role, 'owner')))
    .for('update');
  return owners.length;
}

export async function countMembers(tx: Transaction, tenantId: string): Promise<number> {
  const [row] = await tx.select({ n: count() }).from(memberships).where(eq(memberships.tenantId, tenantId));
  return row?.n ?? 0;
}

/** A user's workspaces, newest first (run through withSystem: it spans tenants). */
export async function listUserWorkspaces(tx: Transaction, userId: string) {
  return tx
    .select({ tenantId: memberships.tenantId, role: memberships.role, name: tenants.name })
    .from(memberships)
    .innerJoin(tenants, eq(tenants.id, memberships.tenantId))
    .where(eq(memberships.userId, userId))
    .orderBy(desc(memberships.createdAt));
}
