import 'server-only';
import type { ConversationRow } from '@/db/queries/conversations';
import type { Message } from '@/db/schema';
import { csvCell } from '@/lib/csv';

// The rows of a conversation export (app/dashboard/conversations/export/route.ts).

const CSV_COLUMNS = [
  'session_id', 'session_started_at', 'source', 'mode', 'widget', 'page_url', 'session_cost_usd',
  'message_id', 'message_at', 'role', 'status', 'content', 'feedback', 'sources', 'model', 'answer_mode',
  'input_tokens', 'output_tokens', 'cost_usd', 'latency_ms', 'error',
] as const;


/** One CSV line per message (one line with empty message columns for a conversation without any). */
export function csvRows(conversation: ConversationRow, messages: Message[]): string {
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

/** A conversation and its messages as exported in JSON: no tenant ids, no internal cursor. */
export function jsonConversation(conversation: ConversationRow, messages: Message[]) {
  const { cursorCreatedAt: _cursor, ...fields } = conversation;
  return {
    ...fields,
    messages: messages.map(({ tenantId: _tenant, sessionId: _session, attachments: _attachments, ...message }) => message),
  };
}

export const CSV_HEADER = `${CSV_COLUMNS.join(',')}\r\n`;
