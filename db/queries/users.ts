import 'server-only';
import { and, eq, isNull, sql } from 'drizzle-orm';
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

export async function getUserById(tx: Transaction, userId: string) {
  const [user] = await tx.select().from(users).where(eq(users.id, userId));
  return user;
}

/** A password account, created only once the email is proven (an emailed invitation link). */
export async function createPasswordUser(tx: Transaction, values: { email: string; name: string; passwordHash: string }) {
  const [user] = await tx
    .insert(users)
    .values({ email: values.email.trim().toLowerCase(), name: values.name, passwordHash: values.passwordHash, emailVerified: sql`now()` })
    .returning();
  return user!;
}

/** The user proved they receive mail at their address (a provider's verified claim, an emailed link). */
export async function markEmailVerified(tx: Transaction, userId: string) {
  await tx.update(users).set({ emailVerified: sql`now()` }).where(and(eq(users.id, userId), isNull(users.emailVerified)));
}

/** Invalidates every session token issued to the user so far ("sign out everywhere"). */
export async function bumpSessionVersion(tx: Transaction, userId: string): Promise<void> {
  await tx.update(users).set({ sessionVersion: sql`${users.sessionVersion} + 1` }).where(eq(users.id, userId));
}
