import 'server-only';
import { AsyncLocalStorage } from 'node:async_hooks';
import { and, eq, sql } from 'drizzle-orm';
import { z } from 'zod';
import { type Database, getDatabase, type Transaction } from './client';
import { type MemberRole, memberships, type NewTenant, type Tenant, tenants } from './schema';

// The only door to tenant data. Each call is one transaction that drops from the login role
// (which owns the tables and may bypass RLS) to a role the policies apply to. SET LOCAL and
// set_config(..., true) end with the transaction, so nothing leaks to the next user of a
// pooled connection, and this works behind PgBouncer in transaction mode.

export type { Transaction } from './client';

const tenantIdSchema = z.uuid();

export class TenantAccessError extends Error {
  constructor(message = 'You are not a member of this workspace.') {
    super(message);
    this.name = 'TenantAccessError';
  }
}

export class RoleRequiredError extends Error {
  constructor(readonly required: readonly MemberRole[]) {
    super(`This needs the ${required.join(' or ')} role.`);
    this.name = 'RoleRequiredError';
  }
}

/** Runs `fn` as `app_tenant` with `tenantId` bound, on the given database. */
export async function scopeToTenant<T>(
  db: Database,
  tenantId: string,
  fn: (tx: Transaction) => Promise<T>,
): Promise<T> {
  // Refused before any SQL: RLS would also return nothing, but a clear error beats silence.
  const id = tenantIdSchema.parse(tenantId);
  return db.transaction(async (tx) => {
    await bindTenant(tx, id);
    return fn(tx);
  });
}

async function bindTenant(tx: Transaction, tenantId: string) {
  await tx.execute(sql`set local role app_tenant`);
  await tx.execute(sql`select set_config('app.tenant_id', ${tenantId}, true)`);
}

/** Runs `fn` as `app_system`, which only has the narrow cross-tenant policies. */
export async function scopeToSystem<T>(db: Database, fn: (tx: Transaction) => Promise<T>): Promise<T> {
  return db.transaction(async (tx) => {
    await tx.execute(sql`set local role app_system`);
    return fn(tx);
  });
}

// Embedded PGlite is a single connection: a scope opened inside another scope would wait
// forever for the outer transaction. Refuse it loudly instead (on a pool it would also
// silently run outside the outer transaction).
const activeScope = new AsyncLocalStorage<true>();

function enterScope<T>(run: () => Promise<T>): Promise<T> {
  if (activeScope.getStore()) {
    return Promise.reject(new Error('A database scope was opened inside another one: pass the transaction down instead.'));
  }
  return activeScope.run(true, run);
}

/** For public routes and jobs, once the tenant is known (a resolved widget, an API key). */
export async function withTenantId<T>(tenantId: string, fn: (tx: Transaction) => Promise<T>): Promise<T> {
  return enterScope(async () => scopeToTenant((await getDatabase()).db, tenantId, fn));
}

/** For the few cross-tenant paths: Auth.js adapter lookups, resolving a public widget, jobs. */
export async function withSystem<T>(fn: (tx: Transaction) => Promise<T>): Promise<T> {
  return enterScope(async () => scopeToSystem((await getDatabase()).db, fn));
}

/**
 * Creates a tenant and fills it in one transaction: the row is inserted as app_system (the
 * only role allowed to create tenants, which may read back only its id), then the same
 * transaction drops to app_tenant bound to the new tenant for `fn`. Either everything exists
 * afterwards or nothing does.
 */
export async function scopeToNewTenant<T>(
  db: Database,
  values: NewTenant,
  fn: (tx: Transaction, tenant: Tenant) => Promise<T>,
): Promise<T> {
  return db.transaction(async (tx) => {
    await tx.execute(sql`set local role app_system`);
    const [created] = await tx.insert(tenants).values(values).returning({ id: tenants.id });
    await bindTenant(tx, created!.id);
    const [tenant] = await tx.select().from(tenants).where(eq(tenants.id, created!.id));
    return fn(tx, tenant!);
  });
}

/** scopeToNewTenant on the process's database. */
export async function withNewTenant<T>(values: NewTenant, fn: (tx: Transaction, tenant: Tenant) => Promise<T>): Promise<T> {
  return enterScope(async () => scopeToNewTenant((await getDatabase()).db, values, fn));
}

export type TenantSession = { userId: string; tenantId: string };
export type TenantContext = TenantSession & { role: MemberRole };

/**
 * For dashboard code, keyed off the signed-in session. Membership and role are read again
 * inside the same transaction on every call, so a removed member or a changed role takes
 * effect on the next request whatever the session token still says.
 */
export async function withTenant<T>(
  session: TenantSession,
  fn: (tx: Transaction, context: TenantContext) => Promise<T>,
  options: { roles?: readonly MemberRole[] } = {},
): Promise<T> {
  if (!tenantIdSchema.safeParse(session.userId).success) throw new TenantAccessError();
  return withTenantId(session.tenantId, async (tx) => {
    const [membership] = await tx
      .select({ role: memberships.role })
      .from(memberships)
      .where(and(eq(memberships.tenantId, session.tenantId), eq(memberships.userId, session.userId)));
    if (!membership) throw new TenantAccessError();
    if (options.roles && !options.roles.includes(membership.role)) throw new RoleRequiredError(options.roles);
    return fn(tx, { ...session, role: membership.role });
  });
}
