import 'server-only';
import { type InboxRow, listInbox } from '@/db/queries/handoffs';
import type { Transaction } from '@/db/withTenant';

// What the Inbox shows, serialisable for its live stream (app/dashboard/inbox/events).

export type InboxItem = {
  handoffId: string;
  sessionId: string;
  status: 'waiting' | 'assigned';
  reason: InboxRow['reason'];
  requestedAt: string;
  assigneeName: string | null;
  mine: boolean;
  visitor: string;
  verified: boolean;
  widgetName: string | null;
  lastMessage: string | null;
  lastMessageAt: string | null;
  leadEmail: string | null;
  leadRequested: boolean;
};

export type InboxSnapshot = { counts: { waiting: number; assigned: number; mine: number }; items: InboxItem[] };

export async function inboxSnapshot(tx: Transaction, tenantId: string, userId: string): Promise<InboxSnapshot> {
  const rows = await listInbox(tx, tenantId);
  const items = rows.map(
    (row): InboxItem => ({
      handoffId: row.handoffId,
      sessionId: row.sessionId,
      status: row.status === 'assigned' ? 'assigned' : 'waiting',
      reason: row.reason,
      requestedAt: row.requestedAt.toISOString(),
      assigneeName: row.assignedTo ? (row.assigneeName ?? row.assigneeEmail) : null,
      mine: row.assignedTo === userId,
      visitor: row.visitorExternalId ? (row.visitorName ?? row.visitorEmail ?? row.visitorExternalId) : 'Anonymous visitor',
      verified: !!row.visitorExternalId,
      widgetName: row.widgetName,
      lastMessage: row.lastMessage ? row.lastMessage.slice(0, 160) : null,
      lastMessageAt: row.lastMessageAt?.toISOString() ?? null,
      leadEmail: row.leadEmail,
      leadRequested: !!row.leadRequestedAt,
    }),
  );
  return {
    counts: {
      waiting: items.filter((item) => item.status === 'waiting').length,
      assigned: items.filter((item) => item.status === 'assigned').length,
      mine: items.filter((item) => item.mine).length,
    },
    items,
  };
}
