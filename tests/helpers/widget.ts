import { eq, sql } from 'drizzle-orm';
import type { Database } from '@/db/client';
import { createWidget } from '@/db/queries/widgets';
import { messages, sessions, type WidgetSettings } from '@/db/schema';
import { withTenantId } from '@/db/withTenant';
import { CLIENT_ADDRESS_HEADER, installClientAddressHook } from '@/lib/client-address';
import { localEmbedder } from '@/lib/knowledge/embedders';
import { ingestDocument } from '@/lib/knowledge/ingest';
import { createTeam } from './team';

export const HOST_ORIGIN = 'https://shop.example';
export const APP = 'http://app.test';

/** A workspace (with the team helper's default personality) with its returns document indexed and two widgets allowed on HOST_ORIGIN. */
export async function createWidgetFixture(db: Database) {
  const team = await createTeam(db, 'Widgets');
  const { tenantId } = team;
  await ingestDocument(tenantId, team.documentId, localEmbedder);
  const settings: WidgetSettings = { theme: 'light', position: 'bottom-right', greeting: 'Hello!', primaryColor: '#112233', starterQuestions: ['Returns?'] };
  const [widget, otherWidget] = await withTenantId(tenantId, async (tx) => [
      await createWidget(tx, { tenantId, name: 'Shop chat', allowedOrigins: [HOST_ORIGIN, 'https://*.shop.example'], settings }),
      await createWidget(tx, { tenantId, name: 'Second chat', allowedOrigins: [HOST_ORIGIN], settings }),
  ]);
  return { team, tenantId, widget: widget!, otherWidget: otherWidget! };
}

// Route handlers called directly trust the client address header as the server's hook would
// have written it (tests/helpers/http-route.ts serves routes over real HTTP to test forgery).
installClientAddressHook(0);

/** A request as the chat frame (same-origin with the app) sends it, from the client address `ip`. */
export function frameRequest(path: string, init: { method?: string; token?: string; body?: unknown; rawBody?: string; ip?: string; headers?: Record<string, string> } = {}) {
  const headers: Record<string, string> = { 'sec-fetch-site': 'same-origin', [CLIENT_ADDRESS_HEADER]: init.ip ?? '198.51.100.7', ...init.headers };
  if (init.token) headers.authorization = `Bearer ${init.token}`;
  if (init.body !== undefined || init.rawBody !== undefined) headers['content-type'] = 'application/json';
  return new Request(`${APP}${path}`, {
    method: init.method ?? (init.body !== undefined || init.rawBody !== undefined ? 'POST' : 'GET'),
    headers,
    body: init.rawBody ?? (init.body !== undefined ? JSON.stringify(init.body) : undefined),
  });
}

export const routeParams = (widgetId: string) => ({ params: Promise.resolve({ widgetId }) });

/** How many sessions and messages the tenant has (to prove a refused request stored nothing). */
export async function countConversations(db: Database, tenantId: string) {
  const [row] = await db
    .select({
      sessions: sql<number>`(select count(*)::int from ${sessions} where ${sessions.tenantId} = ${tenantId})`,
      messages: sql<number>`count(*)::int`,
    })
    .from(messages)
    .where(eq(messages.tenantId, tenantId));
  return row!;
}
