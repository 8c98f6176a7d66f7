import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as settings from '@/app/dashboard/settings/mutations';
import * as team from '@/app/dashboard/team/mutations';
import { closeDatabase, type Database, getDatabase } from '@/db/client';
import { apiKeys, invitations, memberships } from '@/db/schema';
import { sha256 } from '@/lib/auth/tokens';
import { createTeam } from '../helpers/team';

describe('team and key rules', () => {
  let db: Database;
  beforeAll(async () => {
    ({ db } = await getDatabase());
  });
  afterAll(closeDatabase);

  const roleOf = async (tenantId: string, userId: string) =>
    (await db.select({ role: memberships.role }).from(memberships).where(and(eq(memberships.tenantId, tenantId), eq(memberships.userId, userId))))[0]?.role;

  it('never leaves a workspace without an owner', async () => {
    const t = await createTeam(db);
    const owner = { userId: t.users.owner, tenantId: t.tenantId };
    expect(await team.removeTeamMember.run(owner, { userId: t.users.secondOwner })).toMatchObject({ status: 'success' });
    // Now the last owner: neither demotion nor removal (nor leaving) is allowed.
    expect(await team.changeMemberRole.run(owner, { userId: t.users.owner, role: 'admin' })).toMatchObject({ code: 'conflict' });
    expect(await team.removeTeamMember.run(owner, { userId: t.users.owner })).toMatchObject({ code: 'conflict' });
    expect(await roleOf(t.tenantId, t.users.owner)).toBe('owner');
  });

  it('transfers ownership: the new owner is owner, the old one admin', async () => {
    const t = await createTeam(db);
    const state = await team.transferOwnership.run({ userId: t.users.owner, tenantId: t.tenantId }, { userId: t.users.member });
    expect(state).toMatchObject({ status: 'success' });
    expect(await roleOf(t.tenantId, t.users.member)).toBe('owner');
    expect(await roleOf(t.tenantId, t.users.owner)).toBe('admin');
  });

  it('stores an invitation by the hash of its link token and replaces a pending one for the same email', async () => {
    const t = await createTeam(db);
    const owner = { userId: t.users.owner, tenantId: t.tenantId };
    const first = await team.inviteMember.run(owner, { email: 'Dana@Example.com', role: 'admin' });
    const second = await team.inviteMember.run(owner, { email: 'dana@example.com', role: 'member' });
    const token = second.result!.path!.split('/').pop()!;
    const rows = await db.select().from(invitations).where(eq(invitations.email, 'dana@example.com'));
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ tokenHash: sha256(token), role: 'member' });
    expect(first.result!.path).not.toEqual(second.result!.path);
  });

  it('refuses to invite someone who is already a member', async () => {
    const t = await createTeam(db);
    const state = await team.inviteMember.run({ userId: t.users.owner, tenantId: t.tenantId }, { email: `admin-${t.name.split(' ')[1]}@example.com`, role: 'member' });
    expect(state).toMatchObject({ status: 'error', code: 'conflict' });
  });

  it('shows a secret key once and stores only its hash', async () => {
    const t = await createTeam(db);
    const state = await settings.createSecretKey.run({ userId: t.users.owner, tenantId: t.tenantId }, { name: 'Voice agent' });
    const key = state.result!.key!;
    expect(key).toMatch(/^sk_live_[A-Za-z0-9]{40}$/);
    const [row] = await db.select().from(apiKeys).where(eq(apiKeys.name, 'Voice agent'));
    expect(row).toMatchObject({ keyHash: sha256(key), prefix: key.slice(0, 12) });
    expect(JSON.stringify(row)).not.toContain(key);
  });
});
