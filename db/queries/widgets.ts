import 'server-only';
import { and, asc, eq } from 'drizzle-orm';
import type { Transaction } from '../client';
import { type NewWidget, tenants, type Widget, widgets } from '../schema';

export async function listWidgets(tx: Transaction, tenantId: string): Promise<Widget[]> {
  return tx.select().from(widgets).where(eq(widgets.tenantId, tenantId)).orderBy(asc(widgets.createdAt), asc(widgets.id));
}

export async function getWidget(tx: Transaction, tenantId: string, widgetId: string): Promise<Widget | undefined> {
  const [widget] = await tx.select().from(widgets).where(and(eq(widgets.tenantId, tenantId), eq(widgets.id, widgetId)));
  return widget;
}

export async function createWidget(tx: Transaction, values: NewWidget): Promise<Widget> {
  const [widget] = await tx.insert(widgets).values(values).returning();
  return widget!;
}

export async function updateWidget(
  tx: Transaction,
  tenantId: string,
  widgetId: string,
  values: Partial<Pick<NewWidget, 'name' | 'allowedOrigins' | 'settings' | 'personalityId' | 'isActive' | 'identityMode'>>,
): Promise<boolean> {
  const updated = await tx
    .update(widgets)
    .set(values)
    .where(and(eq(widgets.tenantId, tenantId), eq(widgets.id, widgetId)))
    .returning({ id: widgets.id });
  return updated.length > 0;
}

export async function deleteWidget(tx: Transaction, tenantId: string, widgetId: string): Promise<boolean> {
  const deleted = await tx.delete(widgets).where(and(eq(widgets.tenantId, tenantId), eq(widgets.id, widgetId))).returning({ id: widgets.id });
  return deleted.length > 0;
}

/**
 * A widget as the public routes see it, resolved across tenants (as app_system) before
 * anything else is known. A widget without its own allow-list uses its workspace's domains.
 */
export async function resolvePublicWidget(tx: Transaction, widgetId: string) {
  const [row] = await tx
    .select({
      id: widgets.id,
      tenantId: widgets.tenantId,
      personalityId: widgets.personalityId,
      name: widgets.name,
      allowedOrigins: widgets.allowedOrigins,
      workspaceDomains: tenants.allowedDomains,
      settings: widgets.settings,
      identityMode: widgets.identityMode,
      isActive: widgets.isActive,
    })
    .from(widgets)
    .innerJoin(tenants, eq(tenants.id, widgets.tenantId))
    .where(eq(widgets.id, widgetId));
  if (!row) return undefined;
  const { workspaceDomains, ...widget } = row;
  return { ...widget, allowedOrigins: widget.allowedOrigins.length > 0 ? widget.allowedOrigins : workspaceDomains };
}
export type PublicWidget = NonNullable<Awaited<ReturnType<typeof resolvePublicWidget>>>;
