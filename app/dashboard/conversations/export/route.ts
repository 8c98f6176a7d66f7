import { type ConversationCursor, listConversations, listMessagesOfSessions } from '@/db/queries/conversations';
import { listEventsOfSessions } from '@/db/queries/handoffs';
import type { ConversationEvent, Message } from '@/db/schema';
import { TenantAccessError, withTenant } from '@/db/withTenant';
import { getCurrentSession } from '@/lib/auth/session';
import { CSV_HEADER, csvRows, jsonConversation } from '@/lib/conversations/export';
import { conversationFilters, parseConversationQuery } from '../filters';

export const dynamic = 'force-dynamic';

const PAGE_SIZE = 100;

/**
 * The conversations matching the list's filters, as CSV (one row per message) or JSON, streamed
 * a page at a time so a large export never sits in memory. Each page is its own tenant scope,
 * which also re-checks membership as the export runs.
 */
export async function GET(request: Request) {
  const session = await getCurrentSession();
  if (!session) return Response.json({ error: 'Sign in to export conversations.' }, { status: 401 });
  const url = new URL(request.url);
  const format = url.searchParams.get('format') === 'json' ? 'json' : 'csv';
  const filters = conversationFilters(parseConversationQuery(Object.fromEntries(url.searchParams)));
  const encoder = new TextEncoder();
  let cursor: ConversationCursor | undefined;
  let first = true;
  let finished = false;

  const stream = new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (finished) return controller.close();
      try {
        const page = await withTenant(session, async (tx) => {
          const conversations = await listConversations(tx, session.tenantId, filters, cursor, PAGE_SIZE);
          const ids = conversations.rows.map((row) => row.id);
          return { ...conversations, messages: await listMessagesOfSessions(tx, session.tenantId, ids), events: await listEventsOfSessions(tx, session.tenantId, ids) };
        });
        const bySession = new Map<string, Message[]>();
        for (const message of page.messages) bySession.set(message.sessionId, [...(bySession.get(message.sessionId) ?? []), message]);
        const eventsBySession = new Map<string, ConversationEvent[]>();
        for (const event of page.events) eventsBySession.set(event.sessionId, [...(eventsBySession.get(event.sessionId) ?? []), event]);
        let text = '';
        if (format === 'csv') {
          if (first) text += CSV_HEADER;
          text += page.rows.map((row) => csvRows(row, bySession.get(row.id) ?? [], eventsBySession.get(row.id) ?? [])).join('');
        } else {
          if (first) text += `{"exportedAt":${JSON.stringify(new Date().toISOString())},"conversations":[`;
          text += page.rows.map((row, i) => `${first && i === 0 ? '' : ','}\n${JSON.stringify(jsonConversation(row, bySession.get(row.id) ?? [], eventsBySession.get(row.id) ?? []))}`).join('');
          if (!page.next) text += '\n]}\n';
        }
        first = false;
        cursor = page.next;
        finished = !page.next;
        controller.enqueue(encoder.encode(text));
      } catch (error) {
        // Headers are sent by now: the download ends with a network error rather than half a file posing as whole.
        if (!(error instanceof TenantAccessError)) console.error('Conversation export failed', error);
        controller.error(new Error('Export failed.'));
      }
    },
  });
  const stamp = new Date().toISOString().slice(0, 10);
  return new Response(stream, {
    headers: {
      'Content-Type': format === 'csv' ? 'text/csv; charset=utf-8' : 'application/json; charset=utf-8',
      'Content-Disposition': `attachment; filename="conversations-${stamp}.${format}"`,
      'Cache-Control': 'no-store',
    },
  });
}
