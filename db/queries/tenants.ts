import 'server-only';
import { eq } from 'drizzle-orm';
import type { Transaction } from '../client';
import { type NewTenant, tenants } from '../schema';

export async function getTenantById(tx: Transaction, tenantId: string) {
  const [tenant] = await tx.select().from(tenants).where(eq(tenants.id, tenantId));
  return tenant;
}

export async function createTenant(tx: Transaction, values: NewTenant) {
  const [tenant] = await tx.insert(tenants).values(values).returning();
  return tenant!;
}

export async function updateTenant(
  tx: Transaction,
  tenantId: string,
  values: Partial<Pick<NewTenant, 'name' | 'allowedDomains' | 'monthlySpendCapUsd' | 'publishableKey'>>,
) {
  const [tenant] = await tx.update(tenants).set(values).where(eq(tenants.id, tenantId)).returning();
  return tenant;
}

export async function deleteTenant(tx: Transaction, tenantId: string): Promise<boolean> {
  const deleted = await tx.delete(tenants).where(eq(tenants.id, tenantId)).returning({ id: tenants.id });
  return deleted.length > 0;
}
