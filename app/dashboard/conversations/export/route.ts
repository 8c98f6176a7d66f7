import { type ConversationCursor, type ConversationRow, listConversations, listMessagesOfSessions } from '@/db/queries/conversations';
import type { Message } from '@/db/schema';
import { TenantAccessError, withTenant } from '@/db/withTenant';
import { getCurrentSession } from '@/lib/auth/session';
import { conversationFilters, parseConversationQuery } from '../filters';

export const dynamic = 'force-dynamic';

const PAGE_SIZE = 100;

const CSV_COLUMNS = [
  'session_id', 'session_started_at', 'source', 'mode', 'widget', 'page_url', 'session_cost_usd',
  'message_id', 'message_at', 'role', 'status', 'content', 'feedback', 'sources', 'model', 'answer_mode',
  'input_tokens', 'output_tokens', 'cost_usd', 'latency_ms', 'error',
] as const;

function csvCell(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return '';
  let text = String(value);
  // A cell starting like a formula would run in a spreadsheet: visitors write this text.
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

function csvRows(conversation: ConversationRow, messages: Message[]): string {
  const session = [conversation.id, conversation.createdAt.toISOString(), conversation.source, conversation.mode, conversation.widgetName, conversation.metadata.pageUrl, conversation.costUsd];
  const lines = (messages.length ? messages : [undefined]).map((message) =>
    [
      ...session,
      message?.id,
      message?.createdAt.toISOString(),
      message?.role,
      message?.status,
      message?.content,
      message?.feedback,
      message?.sources.map((source) => `[${source.index}] ${source.title}`).join('; '),
      message?.metadata.model,
      message?.metadata.answerMode,
      message?.metadata.inputTokens,
      message?.metadata.outputTokens,
      message?.metadata.costUsd,
      message?.metadata.latencyMs,
      message?.metadata.error,
    ]
      .map(csvCell)
      .join(','),
  );
  return `${lines.join('\r\n')}\r\n`;
}

function jsonConversation(conversation: ConversationRow, messages: Message[]) {
  const { cursorCreatedAt: _cursor, ...fields } = conversation;
  return {
    ...fields,
    messages: messages.map(({ tenantId: _tenant, sessionId: _session, attachments: _attachments, ...message }) => message),
  };
}

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
          const messages = await listMessagesOfSessions(tx, session.tenantId, conversations.rows.map((row) => row.id));
          return { ...conversations, messages };
        });
        const bySession = new Map<string, Message[]>();
        for (const message of page.messages) bySession.set(message.sessionId, [...(bySession.get(message.sessionId) ?? []), message]);
        let text = '';
        if (format === 'csv') {
          if (first) text += `${CSV_COLUMNS.join(',')}\r\n`;
          text += page.rows.map((row) => csvRows(row, bySession.get(row.id) ?? [])).join('');
        } else {
          if (first) text += `{"exportedAt":${JSON.stringify(new Date().toISOString())},"conversations":[`;
          text += page.rows.map((row, i) => `${first && i === 0 ? '' : ','}\n${JSON.stringify(jsonConversation(row, bySession.get(row.id) ?? []))}`).join('');
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
