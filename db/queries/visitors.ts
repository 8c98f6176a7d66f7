import 'server-only';
import { and, desc, eq, isNull, sql } from 'drizzle-orm';
import type { Transaction } from '../client';
import { sessions, users, type VisitorAttributes, visitors, visitorSigningKeys } from '../schema';

export async function listVisitorSigningKeys(tx: Transaction, tenantId: string) {
  return tx
    .select({
      id: visitorSigningKeys.id,
      keyId: visitorSigningKeys.keyId,
      name: visitorSigningKeys.name,
      createdAt: visitorSigningKeys.createdAt,
      lastUsedAt: visitorSigningKeys.lastUsedAt,
      revokedAt: visitorSigningKeys.revokedAt,
      createdBy: users.email,
    })
    .from(visitorSigningKeys)
    .leftJoin(users, eq(users.id, visitorSigningKeys.createdBy))
    .where(eq(visitorSigningKeys.tenantId, tenantId))
    .orderBy(desc(visitorSigningKeys.createdAt), desc(visitorSigningKeys.id));
}

export async function createVisitorSigningKey(
  tx: Transaction,
  values: { tenantId: string; keyId: string; name: string; secretCiphertext: string; createdBy: string },
) {
  const [key] = await tx.insert(visitorSigningKeys).values(values).returning({ id: visitorSigningKeys.id });
  return key!;
}

export async function revokeVisitorSigningKey(tx: Transaction, tenantId: string, id: string): Promise<boolean> {
  const revoked = await tx
    .update(visitorSigningKeys)
    .set({ revokedAt: sql`now()` })
    .where(and(eq(visitorSigningKeys.tenantId, tenantId), eq(visitorSigningKeys.id, id), isNull(visitorSigningKeys.revokedAt)))
    .returning({ id: visitorSigningKeys.id });
  return revoked.length > 0;
}

/** A key that may verify tokens: the tenant's, named by the token's `kid`, not revoked. */
export async function getActiveVisitorSigningKey(tx: Transaction, tenantId: string, keyId: string) {
  const [key] = await tx
    .select({ id: visitorSigningKeys.id, keyId: visitorSigningKeys.keyId, secretCiphertext: visitorSigningKeys.secretCiphertext })
    .from(visitorSigningKeys)
    .where(and(eq(visitorSigningKeys.tenantId, tenantId), eq(visitorSigningKeys.keyId, keyId), isNull(visitorSigningKeys.revokedAt)));
  return key;
}

/** Records a key's use at most once a minute (it is read on every visitor request). */
export async function touchVisitorSigningKey(tx: Transaction, tenantId: string, id: string) {
  await tx
    .update(visitorSigningKeys)
    .set({ lastUsedAt: sql`now()` })
    .where(
      and(
        eq(visitorSigningKeys.tenantId, tenantId),
        eq(visitorSigningKeys.id, id),
        sql`(${visitorSigningKeys.lastUsedAt} is null or ${visitorSigningKeys.lastUsedAt} < now() - interval '1 minute')`,
      ),
    );
}

export type VisitorProfile = { externalId: string; email: string | null; emailVerified: boolean; name: string | null; attributes: VisitorAttributes };

/** The visitor with this `sub`, created on first sight; the profile follows the latest token. */
export async function upsertVisitor(tx: Transaction, tenantId: string, profile: VisitorProfile) {
  const [visitor] = await tx
    .insert(visitors)
    .values({ tenantId, ...profile })
    .onConflictDoUpdate({
      target: [visitors.tenantId, visitors.externalId],
      set: { email: profile.email, emailVerified: profile.emailVerified, name: profile.name, attributes: profile.attributes, lastSeenAt: sql`now()` },
    })
    .returning();
  return visitor!;
}

export async function getVisitorById(tx: Transaction, tenantId: string, visitorId: string) {
  const [visitor] = await tx.select().from(visitors).where(and(eq(visitors.tenantId, tenantId), eq(visitors.id, visitorId)));
  return visitor;
}

/** The visitor's most recent conversation on this widget (to resume it on another device). */
export async function getLatestVisitorSession(tx: Transaction, tenantId: string, visitorId: string, widgetId: string) {
  const [session] = await tx
    .select({ id: sessions.id })
    .from(sessions)
    .where(and(eq(sessions.tenantId, tenantId), eq(sessions.visitorId, visitorId), eq(sessions.widgetId, widgetId)))
    .orderBy(desc(sessions.createdAt), desc(sessions.id))
    .limit(1);
  return session;
}
