import 'server-only';
import { and, desc, eq, isNull } from 'drizzle-orm';
import type { Transaction } from '../client';
import { apiKeys, users } from '../schema';

export async function listApiKeys(tx: Transaction, tenantId: string) {
  return tx
    .select({
      id: apiKeys.id,
      name: apiKeys.name,
      prefix: apiKeys.prefix,
      createdAt: apiKeys.createdAt,
      lastUsedAt: apiKeys.lastUsedAt,
      revokedAt: apiKeys.revokedAt,
      createdBy: users.email,
    })
    .from(apiKeys)
    .leftJoin(users, eq(users.id, apiKeys.createdBy))
    .where(eq(apiKeys.tenantId, tenantId))
    .orderBy(desc(apiKeys.createdAt));
}

export async function createApiKey(
  tx: Transaction,
  values: { tenantId: string; name: string; prefix: string; keyHash: string; createdBy: string },
) {
  const [key] = await tx.insert(apiKeys).values(values).returning({ id: apiKeys.id });
  return key!;
}

export async function revokeApiKey(tx: Transaction, tenantId: string, keyId: string) {
  const [revoked] = await tx
    .update(apiKeys)
    .set({ revokedAt: new Date() })
    .where(and(eq(apiKeys.tenantId, tenantId), eq(apiKeys.id, keyId), isNull(apiKeys.revokedAt)))
    .returning({ id: apiKeys.id });
  return !!revoked;
}

/** Resolves a secret key to its tenant and records its use (run through withSystem). Not named use…: it is no React hook. */
export async function resolveApiKeyByHash(tx: Transaction, keyHash: string) {
  const [key] = await tx
    .update(apiKeys)
    .set({ lastUsedAt: new Date() })
    .where(and(eq(apiKeys.keyHash, keyHash), isNull(apiKeys.revokedAt)))
    .returning({ id: apiKeys.id, tenantId: apiKeys.tenantId });
  return key;
}
