import 'server-only';
import { eq, sql } from 'drizzle-orm';
import type { Transaction } from '../client';
import { users } from '../schema';

// Identity lookups run through withSystem (the Auth.js tables are not tenant data).

export async function getUserByEmail(tx: Transaction, email: string) {
  const [user] = await tx.select().from(users).where(eq(sql`lower(${users.email})`, email.trim().toLowerCase()));
  return user;
}

export async function getUserSessionVersion(tx: Transaction, userId: string): Promise<number | undefined> {
  const [row] = await tx.select({ sessionVersion: users.sessionVersion }).from(users).where(eq(users.id, userId));
  return row?.sessionVersion;
}

export async function createPasswordUser(tx: Transaction, values: { email: string; name: string; passwordHash: string }) {
  const [user] = await tx
    .insert(users)
    .values({ email: values.email.trim().toLowerCase(), name: values.name, passwordHash: values.passwordHash })
    .returning();
  return user!;
}

/** Invalidates every session token issued to the user so far ("sign out everywhere"). */
export async function bumpSessionVersion(tx: Transaction, userId: string): Promise<void> {
  await tx.update(users).set({ sessionVersion: sql`${users.sessionVersion} + 1` }).where(eq(users.id, userId));
}
