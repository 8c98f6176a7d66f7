import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeDatabase, type Database, getDatabase } from '@/db/client';
import { aiPersonalities, invitations, memberships, tenants, users } from '@/db/schema';
import { chosenWorkspace } from '@/lib/auth/config';
import { redeemInvitation, resolveWorkspaceOnSignIn, UNPROVEN_EMAIL_REASON } from '@/lib/auth/onboarding';
import { newInvitationToken } from '@/lib/auth/tokens';
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

  // An invitation whose link token is `token` (only its hash is stored), emailed or shown to the inviter.
  async function invite(tenantId: string, email: string, options: { emailed?: boolean; expiresInMs?: number; role?: 'admin' | 'member' } = {}) {
    const { token, hash } = newInvitationToken();
    await db.insert(invitations).values({
      tenantId,
      email,
      role: options.role ?? 'member',
      tokenHash: hash,
      emailedAt: options.emailed ? new Date() : null,
      expiresAt: new Date(Date.now() + (options.expiresInMs ?? 86_400_000)),
    });
    return token;
  }

  it('never joins a workspace by email match alone', async () => {
    const team = await createTeam(db);
    await invite(team.tenantId, 'victim@corp.example', { emailed: true, role: 'admin' });
    // Someone who got an account for the address first (the squatting attack) signs in.
    const squatter = await newUser('victim@corp.example');
    const workspace = await resolveWorkspaceOnSignIn(squatter);
    expect(workspace.tenantId).not.toBe(team.tenantId);
    expect(await db.select().from(memberships).where(eq(memberships.tenantId, team.tenantId))).not.toContainEqual(expect.objectContaining({ userId: squatter.id }));
  });

  it('joins with the invited role when the sign-in redeems the link token of a verified address', async () => {
    const team = await createTeam(db);
    const token = await invite(team.tenantId, 'joiner@example.com', { role: 'admin' });
    const user = (await db.insert(users).values({ email: 'Joiner@Example.com', emailVerified: new Date() }).returning())[0]!;
    expect(await resolveWorkspaceOnSignIn(user, token)).toEqual({ tenantId: team.tenantId, role: 'admin' });
    // Used once: the same link cannot admit anyone again.
    expect(await redeemInvitation(token, user.id)).toEqual({ status: 'refused', reason: 'This invitation was already used.' });
  });

  it('refuses a hand-shared link to an account whose address is unproven, and accepts an emailed one (which proves it)', async () => {
    const team = await createTeam(db);
    const user = await newUser('unproven@example.com');
    const shared = await invite(team.tenantId, 'unproven@example.com');
    expect(await redeemInvitation(shared, user.id)).toEqual({ status: 'refused', reason: UNPROVEN_EMAIL_REASON });
    const other = await createTeam(db);
    const emailed = await invite(other.tenantId, 'unproven@example.com', { emailed: true });
    expect(await redeemInvitation(emailed, user.id)).toEqual({ status: 'joined', workspace: { tenantId: other.tenantId, role: 'member' } });
    const [after] = await db.select().from(users).where(eq(users.id, user.id));
    expect(after!.emailVerified).not.toBeNull();
  });

  it('refuses another address, an expired link and a made-up token', async () => {
    const team = await createTeam(db);
    const verified = (await db.insert(users).values({ email: 'someone-else@example.com', emailVerified: new Date() }).returning())[0]!;
    const token = await invite(team.tenantId, 'intended@example.com', { emailed: true });
    expect(await redeemInvitation(token, verified.id)).toEqual({ status: 'refused', reason: 'This invitation is for intended@example.com.' });
    const expired = await invite(team.tenantId, 'someone-else@example.com', { emailed: true, expiresInMs: -1000 });
    expect(await redeemInvitation(expired, verified.id)).toMatchObject({ status: 'refused', reason: 'This invitation is no longer valid.' });
    expect(await redeemInvitation('A'.repeat(32), verified.id)).toMatchObject({ status: 'refused' });
    // An invalid token at sign-in falls back to the user's own workspace.
    const workspace = await resolveWorkspaceOnSignIn(verified, 'A'.repeat(32));
    expect(workspace).toMatchObject({ role: 'owner' });
    expect(workspace.tenantId).not.toBe(team.tenantId);
  });
});

describe('switching workspace', () => {
  let db: Database;
  beforeAll(async () => {
    ({ db } = await getDatabase());
  });

  it('switches only to a workspace the user belongs to', async () => {
    const mine = await createTeam(db);
    const theirs = await createTeam(db);
    const userId = mine.users.admin;
    expect(await chosenWorkspace(userId, mine.tenantId)).toEqual({ tenantId: mine.tenantId, role: 'admin' });
    expect(await chosenWorkspace(userId, theirs.tenantId)).toBeUndefined();
    expect(await chosenWorkspace(userId, 'not-a-uuid')).toBeUndefined();
    expect(await chosenWorkspace(userId, { tenantId: theirs.tenantId })).toBeUndefined();
  });
});
