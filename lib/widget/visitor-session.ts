import 'server-only';
import { getSessionById } from '@/db/queries/conversations';
import type { Transaction } from '@/db/withTenant';
import type { Message } from '@/db/schema';
import type { VisitorMessage } from './client/types';
import type { VisitorRequest } from './public-api';

/** The visitor's session, if it still exists and belongs to the widget the token was signed for. */
export async function findVisitorSession(tx: Transaction, { widget, sessionId }: VisitorRequest) {
  const session = await getSessionById(tx, widget.tenantId, sessionId);
  return session && session.widgetId === widget.id ? session : undefined;
}

/** A stored message as the visitor may see it: no costs, models or internal ids. */
export function toVisitorMessage(message: Message): VisitorMessage {
  return {
    id: message.id,
    role: message.role === 'assistant' ? 'assistant' : 'user',
    content: message.content,
    status: message.status,
    sources: message.sources.map(({ index, title, headingPath, url }) => ({ index, title, headingPath: headingPath ?? [], url })),
    feedback: message.feedback === 1 || message.feedback === -1 ? message.feedback : null,
  };
}
