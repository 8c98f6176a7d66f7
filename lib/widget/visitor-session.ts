import 'server-only';
import { listSessionMessages } from '@/db/queries/conversations';
import { listConversationEvents, listMessagesSince } from '@/db/queries/handoffs';
import type { ConversationEvent, Message } from '@/db/schema';
import type { Transaction } from '@/db/withTenant';
import type { VisitorMessage } from './client/types';

/** A stored message as the visitor may see it: no costs, models or internal ids. */
export function toVisitorMessage(message: Message): VisitorMessage {
  return {
    id: message.id,
    role: message.role === 'assistant' || message.role === 'agent' ? message.role : 'user',
    author: message.role === 'agent' ? (message.metadata.agentName ?? 'A team member') : undefined,
    at: message.createdAt.toISOString(),
    content: message.content,
    status: message.status,
    sources: message.sources.map(({ index, title, headingPath, url }) => ({ index, title, headingPath: headingPath ?? [], url })),
    feedback: message.feedback === 1 || message.feedback === -1 ? message.feedback : null,
    // How it was sent (the image itself stays with the team: visitors never read it back).
    spoken: message.metadata.voiceSeconds !== undefined || undefined,
    withImage: message.attachments.some((attachment) => attachment.type === 'image') || undefined,
  };
}

const member = (event: ConversationEvent) => event.actorName ?? 'A team member';

/** What a handoff event says to the visitor, in the conversation (the dashboard shows the full record). */
function noticeText(event: ConversationEvent): string {
  switch (event.type) {
    case 'handoff_requested':
      return 'You asked for a person. Someone from the team will join this conversation.';
    case 'assigned':
      return `${member(event)} joined the conversation.`;
    case 'released':
      return `${member(event)} stepped away. Waiting for another team member…`;
    case 'resolved':
      return `${member(event)} marked this conversation resolved. The assistant answers again from here.`;
    case 'cancelled':
      return 'You went back to the assistant.';
    case 'lead_requested':
      return event.reason === 'outside_office_hours'
        ? 'The team is away right now. Leave your email and they will get back to you.'
        : 'Nobody is free to answer right now. Leave your email and the team will get back to you.';
    case 'lead_captured':
      return 'Thanks! The team will get back to you by email.';
  }
}

export function toVisitorNotice(event: ConversationEvent): VisitorMessage {
  return { id: event.id, role: 'notice', at: event.createdAt.toISOString(), content: noticeText(event), status: 'complete', sources: [], feedback: null };
}

const byTime = (a: VisitorMessage, b: VisitorMessage) => a.at.localeCompare(b.at) || (a.role === 'notice' ? -1 : 0) - (b.role === 'notice' ? -1 : 0);

/** The conversation as the visitor sees it: messages and handoff notices in order, from `since` when given. */
export async function visitorTranscript(tx: Transaction, tenantId: string, sessionId: string, since?: Date): Promise<VisitorMessage[]> {
  const stored = since ? await listMessagesSince(tx, tenantId, sessionId, since) : await listSessionMessages(tx, tenantId, sessionId);
  const events = await listConversationEvents(tx, tenantId, sessionId, since);
  return [...stored.filter((message) => message.role !== 'system').map(toVisitorMessage), ...events.map(toVisitorNotice)].sort(byTime);
}
