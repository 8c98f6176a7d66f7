import 'server-only';
import type { ConversationRow } from '@/db/queries/conversations';
import type { ConversationEvent, Message } from '@/db/schema';
import { csvCell } from '@/lib/csv';

// The rows of a conversation export (app/dashboard/conversations/export/route.ts).

const CSV_COLUMNS = [
  'session_id', 'session_started_at', 'source', 'mode', 'widget', 'page_url', 'session_cost_usd',
  'message_id', 'message_at', 'role', 'status', 'content', 'feedback', 'sources', 'model', 'answer_mode',
  'input_tokens', 'output_tokens', 'cost_usd', 'latency_ms', 'error',
  // The verified visitor (empty for anonymous ones); team replies name their author.
  'visitor_id', 'visitor_name', 'visitor_email', 'visitor_email_verified', 'visitor_attributes', 'author',
] as const;

const visitorCells = (conversation: ConversationRow) =>
  conversation.visitorExternalId
    ? [conversation.visitorExternalId, conversation.visitorName, conversation.visitorEmail, String(conversation.visitorEmailVerified), JSON.stringify(conversation.visitorAttributes ?? {})]
    : ['', '', '', '', ''];

/** The handoff's audit events as lines of their own: role `event`, the event type as status, who and why as content. */
function eventLine(session: Array<string | null | undefined>, conversation: ConversationRow, event: ConversationEvent): string {
  const who = event.actor === 'member' ? (event.actorName ?? 'team member') : event.actor;
  return [...session, event.id, event.createdAt.toISOString(), 'event', event.type, `${who}${event.reason ? `: ${event.reason}` : ''}`, ...Array(10).fill(''), ...visitorCells(conversation), who]
    .map(csvCell)
    .join(',');
}

/** One CSV line per message and handoff event in time order (one line with empty message columns for a conversation without any). */
export function csvRows(conversation: ConversationRow, messages: Message[], events: ConversationEvent[] = []): string {
  const session = [conversation.id, conversation.createdAt.toISOString(), conversation.source, conversation.mode, conversation.widgetName, conversation.metadata.pageUrl, conversation.costUsd];
  const messageLines = (messages.length || events.length ? messages : [undefined]).map((message) => ({
    at: message?.createdAt.getTime() ?? 0,
    line: [
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
      ...visitorCells(conversation),
      message?.role === 'agent' ? message.metadata.agentName : undefined,
    ]
      .map(csvCell)
      .join(','),
  }));
  const lines = [...messageLines, ...events.map((event) => ({ at: event.createdAt.getTime(), line: eventLine(session, conversation, event) }))]
    .sort((a, b) => a.at - b.at)
    .map((entry) => entry.line);
  return `${lines.join('\r\n')}\r\n`;
}

/** A conversation, its visitor, messages and handoff events as exported in JSON: no tenant ids, no internal cursor. */
export function jsonConversation(conversation: ConversationRow, messages: Message[], events: ConversationEvent[] = []) {
  const { cursorCreatedAt: _cursor, visitorExternalId, visitorName, visitorEmail, visitorEmailVerified, visitorAttributes, ...fields } = conversation;
  return {
    ...fields,
    visitor: visitorExternalId
      ? { id: visitorExternalId, name: visitorName, email: visitorEmail, emailVerified: visitorEmailVerified, attributes: visitorAttributes }
      : null,
    messages: messages.map(({ tenantId: _tenant, sessionId: _session, attachments: _attachments, ...message }) => message),
    events: events.map(({ tenantId: _tenant, sessionId: _session, ...event }) => event),
  };
}

export const CSV_HEADER = `${CSV_COLUMNS.join(',')}\r\n`;
