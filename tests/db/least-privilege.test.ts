import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database, DatabaseHandle } from '@/db/client';
import { apiKeys, invitations, meetings, tenants, users } from '@/db/schema';
import { scopeToNewTenant, scopeToSystem, scopeToTenant } from '@/db/withTenant';
import { createTestDatabase, expectSqlState, queryRows } from '../helpers/database';
import { createTeam, type Team } from '../helpers/team';

const INSUFFICIENT_PRIVILEGE = '42501';

// What the narrowed grants refuse, statement by statement (the catalog test lists them all).
describe('least privilege of the application roles', () => {
  let handle: DatabaseHandle;
  let db: Database;
  let team: Team;

  beforeAll(async () => {
    handle = await createTestDatabase();
    db = handle.db;
    team = await createTeam(db);
    await db.update(users).set({ passwordHash: '$2b$10$secret-hash' }).where(eq(users.id, team.users.admin));
    await db.insert(meetings).values({ tenantId: team.tenantId, roomName: 'standup' });
  });
  afterAll(async () => handle.close());

  it("shows app_tenant teammates' names and emails, never their password hashes or session versions", async () => {
    const names = await scopeToTenant(db, team.tenantId, (tx) => tx.select({ id: users.id, email: users.email, name: users.name, image: users.image }).from(users));
    expect(names).toHaveLength(5);
    await expectSqlState(scopeToTenant(db, team.tenantId, (tx) => tx.select({ hash: users.passwordHash }).from(users)), INSUFFICIENT_PRIVILEGE);
    await expectSqlState(scopeToTenant(db, team.tenantId, (tx) => tx.select({ version: users.sessionVersion }).from(users)), INSUFFICIENT_PRIVILEGE);
    await expectSqlState(scopeToTenant(db, team.tenantId, (tx) => tx.select().from(users)), INSUFFICIENT_PRIVILEGE);
  });

  it("lets app_tenant change its workspace's settings but not its plan or billing ids", async () => {
    const [renamed] = await scopeToTenant(db, team.tenantId, (tx) =>
      tx.update(tenants).set({ name: 'Renamed', monthlySpendCapUsd: '25.00' }).where(eq(tenants.id, team.tenantId)).returning({ name: tenants.name }),
    );
    expect(renamed).toEqual({ name: 'Renamed' });
    await expectSqlState(
      scopeToTenant(db, team.tenantId, (tx) => tx.update(tenants).set({ plan: 'enterprise' }).where(eq(tenants.id, team.tenantId))),
      INSUFFICIENT_PRIVILEGE,
    );
    await expectSqlState(
      scopeToTenant(db, team.tenantId, (tx) => tx.update(tenants).set({ stripeCustomerId: 'cus_123' }).where(eq(tenants.id, team.tenantId))),
      INSUFFICIENT_PRIVILEGE,
    );
  });

  it('lets app_system look invitations up but never change one', async () => {
    const [found] = await scopeToSystem(db, (tx) => tx.select({ id: invitations.id }).from(invitations).where(eq(invitations.id, team.invitationId)));
    expect(found).toEqual({ id: team.invitationId });
    await expectSqlState(
      scopeToSystem(db, (tx) => tx.update(invitations).set({ acceptedAt: new Date() }).where(eq(invitations.id, team.invitationId))),
      INSUFFICIENT_PRIVILEGE,
    );
    await expectSqlState(
      scopeToSystem(db, (tx) => tx.update(invitations).set({ email: 'attacker@example.com' }).where(eq(invitations.id, team.invitationId))),
      INSUFFICIENT_PRIVILEGE,
    );
  });

  it("lets app_system record an API key's last use, and change nothing else about it", async () => {
    const [{ keyHash }] = (await db.select({ keyHash: apiKeys.keyHash }).from(apiKeys).where(eq(apiKeys.id, team.apiKeyId))) as [{ keyHash: string }];
    const [touched] = await scopeToSystem(db, (tx) =>
      tx.update(apiKeys).set({ lastUsedAt: new Date() }).where(eq(apiKeys.keyHash, keyHash)).returning({ id: apiKeys.id }),
    );
    expect(touched).toEqual({ id: team.apiKeyId });
    for (const change of [{ revokedAt: null }, { tenantId: team.tenantId }, { keyHash: 'chosen-by-attacker' }, { name: 'Renamed' }]) {
      await expectSqlState(
        scopeToSystem(db, (tx) => tx.update(apiKeys).set(change).where(eq(apiKeys.id, team.apiKeyId))),
        INSUFFICIENT_PRIVILEGE,
      );
    }
    await expectSqlState(scopeToSystem(db, (tx) => tx.select({ name: apiKeys.name }).from(apiKeys)), INSUFFICIENT_PRIVILEGE);
  });

  it('does not touch a revoked key as app_system', async () => {
    await db.update(apiKeys).set({ revokedAt: new Date() }).where(eq(apiKeys.id, team.apiKeyId));
    const touched = await scopeToSystem(db, (tx) =>
      tx.update(apiKeys).set({ lastUsedAt: new Date() }).where(eq(apiKeys.id, team.apiKeyId)).returning({ id: apiKeys.id }),
    );
    expect(touched).toEqual([]);
  });

  it('lets app_system list meetings for the reconciler, and read nothing else of them', async () => {
    await scopeToSystem(db, (tx) => tx.select({ id: meetings.id, tenantId: meetings.tenantId, startedAt: meetings.startedAt, endedAt: meetings.endedAt }).from(meetings));
    await expectSqlState(scopeToSystem(db, (tx) => tx.select({ title: meetings.title }).from(meetings)), INSUFFICIENT_PRIVILEGE);
    await expectSqlState(scopeToSystem(db, (tx) => tx.select({ link: meetings.guestLinkId }).from(meetings)), INSUFFICIENT_PRIVILEGE);
  });

  it("reads only a public widget's look and workspace domains as app_system", async () => {
    await expectSqlState(scopeToSystem(db, (tx) => tx.select({ cap: tenants.monthlySpendCapUsd }).from(tenants)), INSUFFICIENT_PRIVILEGE);
    await expectSqlState(scopeToSystem(db, (tx) => tx.select({ key: tenants.publishableKey }).from(tenants)), INSUFFICIENT_PRIVILEGE);
  });

  it('still creates a workspace as app_system and fills it in as app_tenant', async () => {
    const created = await scopeToNewTenant(db, { name: 'Fresh workspace', publishableKey: `pk_test_${crypto.randomUUID()}` }, async (_tx, tenant) => tenant);
    expect(created).toMatchObject({ name: 'Fresh workspace', plan: 'starter', monthlySpendCapUsd: null });
    const [row] = await queryRows<{ name: string }>(db, sql`select name from tenants where id = ${created.id}`);
    expect(row).toEqual({ name: 'Fresh workspace' });
  });
});
