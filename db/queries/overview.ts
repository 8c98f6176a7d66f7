import 'server-only';
import { and, count, eq, gte, sql } from 'drizzle-orm';
import type { Transaction } from '../client';
import { knowledgeDocuments, messages, sessions, tenants, widgets } from '../schema';
import { getCurrentPeriodSpend } from './costs';

export type OverviewStats = {
  conversations: { last7Days: number; last30Days: number };
  messages: { last7Days: number; last30Days: number };
  spend: { monthToDateUsd: string; capUsd: string | null };
  documents: { total: number; ready: number };
  widgets: { active: number; total: number };
};

const daysAgo = (days: number) => sql`now() - make_interval(days => ${days})`;

export async function getOverviewStats(tx: Transaction, tenantId: string): Promise<OverviewStats> {
  const [conversationCounts] = await tx
    .select({
      last7Days: sql<number>`count(*) filter (where ${sessions.createdAt} >= ${daysAgo(7)})::int`,
      last30Days: count(),
    })
    .from(sessions)
    .where(and(eq(sessions.tenantId, tenantId), gte(sessions.createdAt, daysAgo(30))));
  const [messageCounts] = await tx
    .select({
      last7Days: sql<number>`count(*) filter (where ${messages.createdAt} >= ${daysAgo(7)})::int`,
      last30Days: count(),
    })
    .from(messages)
    .where(and(eq(messages.tenantId, tenantId), gte(messages.createdAt, daysAgo(30))));
  // The same month-to-date figure the spend cap is enforced against (rollups plus newer events).
  const spend = await getCurrentPeriodSpend(tx, tenantId, 'monthly');
  const [tenant] = await tx.select({ cap: tenants.monthlySpendCapUsd }).from(tenants).where(eq(tenants.id, tenantId));
  const [documentCounts] = await tx
    .select({ total: count(), ready: sql<number>`count(*) filter (where ${knowledgeDocuments.status} = 'ready')::int` })
    .from(knowledgeDocuments)
    .where(eq(knowledgeDocuments.tenantId, tenantId));
  const [widgetCounts] = await tx
    .select({ total: count(), active: sql<number>`count(*) filter (where ${widgets.isActive})::int` })
    .from(widgets)
    .where(eq(widgets.tenantId, tenantId));
  return {
    conversations: { last7Days: conversationCounts?.last7Days ?? 0, last30Days: conversationCounts?.last30Days ?? 0 },
    messages: { last7Days: messageCounts?.last7Days ?? 0, last30Days: messageCounts?.last30Days ?? 0 },
    spend: { monthToDateUsd: spend.spentUsd, capUsd: tenant?.cap ?? null },
    documents: { total: documentCounts?.total ?? 0, ready: documentCounts?.ready ?? 0 },
    widgets: { active: widgetCounts?.active ?? 0, total: widgetCounts?.total ?? 0 },
  };
}
