import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeDatabase, getDatabase, type Database } from '@/db/client';
import { memberships, tenants, users, widgets } from '@/db/schema';
import { RoleRequiredError, TenantAccessError, withSystem, withTenant, withTenantId } from '@/db/withTenant';

// Uses the process-wide database (an in-memory PGlite per test file, see vitest.config.ts),
// which is one connection: anything left behind by a transaction would be seen by the next.
describe('withTenant', () => {
  let db: Database;
  let tenantId: string;
  let ownerId: string;
  let memberId: string;
  let outsiderId: string;

  beforeAll(async () => {
    ({ db } = await getDatabase());
    const [tenant] = await db.insert(tenants).values({ name: 'Acme', publishableKey: 'pk_test_scope' }).returning();
    tenantId = tenant!.id;
    const created = await db
      .insert(users)
      .values([{ email: 'owner@acme.test' }, { email: 'member@acme.test' }, { email: 'outsider@acme.test' }])
      .returning({ id: users.id });
    [ownerId, memberId, outsiderId] = created.map((user) => user.id) as [string, string, string];
    await db.insert(memberships).values([
      { tenantId, userId: ownerId, role: 'owner' },
      { tenantId, userId: memberId, role: 'member' },
    ]);
  });
  afterAll(closeDatabase);

  const settings = (executor: Pick<Database, 'select'> = db) =>
    executor
      .select({
        user: sql<string>`current_user`,
        tenant: sql<string | null>`nullif(current_setting('app.tenant_id', true), '')`,
      })
      .from(sql`(select 1) as one`);

  it('rolls back everything on error and leaves no role or tenant behind', async () => {
    await expect(
      withTenantId(tenantId, async (tx) => {
        await tx.insert(widgets).values({ tenantId, name: 'Doomed' });
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    const [after] = await settings();
    expect(after).toEqual({ user: 'postgres', tenant: null });
    const rows = await db.select().from(widgets).where(eq(widgets.name, 'Doomed'));
    expect(rows).toEqual([]);
  });

  it('leaves no role or tenant behind after a successful transaction', async () => {
    const inside = await withTenantId(tenantId, (tx) => settings(tx));
    expect(inside).toEqual([{ user: 'app_tenant', tenant: tenantId }]);
    expect(await settings()).toEqual([{ user: 'postgres', tenant: null }]);
  });

  it('refuses a scope opened inside another instead of deadlocking the single connection', async () => {
    await expect(withTenantId(tenantId, () => withSystem(async () => 1))).rejects.toThrow(/inside another/);
  });

  it('rejects a tenant id that is not a UUID before running any SQL', async () => {
    await expect(withTenantId("x' or true --", async () => 1)).rejects.toThrow();
  });

  it('re-checks membership and role on every call', async () => {
    const context = await withTenant({ userId: ownerId, tenantId }, async (_tx, ctx) => ctx);
    expect(context).toEqual({ userId: ownerId, tenantId, role: 'owner' });

    await expect(withTenant({ userId: outsiderId, tenantId }, async () => 'read')).rejects.toBeInstanceOf(TenantAccessError);
    await expect(
      withTenant({ userId: memberId, tenantId }, async () => 'write', { roles: ['owner', 'admin'] }),
    ).rejects.toBeInstanceOf(RoleRequiredError);

    // A role change takes effect on the very next call, whatever the session still says.
    await db.update(memberships).set({ role: 'admin' }).where(eq(memberships.userId, memberId));
    await expect(withTenant({ userId: memberId, tenantId }, async () => 'write', { roles: ['owner', 'admin'] })).resolves.toBe('write');
    await db.delete(memberships).where(eq(memberships.userId, memberId));
    await expect(withTenant({ userId: memberId, tenantId }, async () => 'read')).rejects.toBeInstanceOf(TenantAccessError);
  });

  it('lets withSystem resolve a widget across tenants but not change it', async () => {
    const [widget] = await db.insert(widgets).values({ tenantId, name: 'Public' }).returning();
    const found = await withSystem((tx) => tx.select({ tenantId: widgets.tenantId }).from(widgets).where(eq(widgets.id, widget!.id)));
    expect(found).toEqual([{ tenantId }]);
    await expect(withSystem((tx) => tx.delete(widgets).where(eq(widgets.id, widget!.id)))).rejects.toThrow();
    expect(await settings()).toEqual([{ user: 'postgres', tenant: null }]);
  });
});
