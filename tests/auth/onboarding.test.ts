import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeDatabase, type Database, getDatabase } from '@/db/client';
import { aiPersonalities, invitations, memberships, tenants, users } from '@/db/schema';
import { resolveWorkspaceOnSignIn } from '@/lib/auth/onboarding';
import { createTeam } from '../helpers/team';

describe('first sign-in', () => {
  let db: Database;
  beforeAll(async () => {
    ({ db } = await getDatabase());
  });
  afterAll(closeDatabase);

  const newUser = async (email: string, name: string | null = null) =>
    (await db.insert(users).values({ email, name }).returning())[0]!;

  it('creates a workspace owned by the user, with a default personality and a publishable key', async () => {
    const user = await newUser('founder@startup.example', 'Ada');
    const workspace = await resolveWorkspaceOnSignIn(user);
    expect(workspace.role).toBe('owner');
    const [tenant] = await db.select().from(tenants).where(eq(tenants.id, workspace.tenantId));
    expect(tenant).toMatchObject({ name: "Ada's workspace", publishableKey: expect.stringMatching(/^pk_live_[A-Za-z0-9]{24}$/) });
    const personalities = await db.select().from(aiPersonalities).where(eq(aiPersonalities.tenantId, workspace.tenantId));
    expect(personalities).toHaveLength(1);
    expect(personalities[0]!.isDefault).toBe(true);

    // Signing in again lands in the same workspace; no second one is created.
    expect(await resolveWorkspaceOnSignIn(user)).toEqual(workspace);
    expect(await db.select().from(memberships).where(eq(memberships.userId, user.id))).toHaveLength(1);
  });

  it('joins the inviting workspace with the invited role instead of creating one', async () => {
    const team = await createTeam(db);
    await db.insert(invitations).values({
      tenantId: team.tenantId,
      email: 'joiner@example.com',
      role: 'admin',
      tokenHash: 'joiner-hash',
      expiresAt: new Date(Date.now() + 86_400_000),
    });
    const user = await newUser('Joiner@Example.com');
    expect(await resolveWorkspaceOnSignIn(user)).toEqual({ tenantId: team.tenantId, role: 'admin' });
    const [invitation] = await db.select().from(invitations).where(eq(invitations.tokenHash, 'joiner-hash'));
    expect(invitation!.acceptedAt).not.toBeNull();
  });

  it('ignores an expired invitation', async () => {
    const team = await createTeam(db);
    await db.insert(invitations).values({
      tenantId: team.tenantId,
      email: 'late@example.com',
      tokenHash: 'late-hash',
      expiresAt: new Date(Date.now() - 1000),
    });
    const user = await newUser('late@example.com');
    const workspace = await resolveWorkspaceOnSignIn(user);
    expect(workspace.tenantId).not.toBe(team.tenantId);
    expect(workspace.role).toBe('owner');
  });
});
