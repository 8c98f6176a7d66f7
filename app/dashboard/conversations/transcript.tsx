import Link from 'next/link';
import type { ConversationEvent, Handoff, Message, Visitor } from '@/db/schema';
import { sourceLabel } from '@/lib/chat/source-label';
import { formatUsdExact } from '@/lib/format';
import { HANDOFF_REASON_LABELS } from '../inbox/reason-labels';

// A conversation's transcript for the team: messages (visitor, assistant, team member) and the
// handoff's audit events (who, when, why) in one timeline. Used by Conversations and the Inbox.

const dateTime = new Intl.DateTimeFormat('en-US', { dateStyle: 'medium', timeStyle: 'medium' });

function MessageDetails({ message }: { message: Message }) {
  const { metadata } = message;
  const parts = [
    metadata.answerMode === 'retrieval-only' ? 'retrieval-only' : metadata.model,
    metadata.inputTokens !== undefined ? `${metadata.inputTokens} in / ${metadata.outputTokens ?? 0} out tokens` : undefined,
    metadata.costUsd ? formatUsdExact(metadata.costUsd) : undefined,
    metadata.latencyMs !== undefined ? `${metadata.latencyMs} ms` : undefined,
  ].filter(Boolean);
  return parts.length > 0 ? <p className="mt-2 text-xs text-slate-500" data-testid="message-details">{parts.join(' · ')}</p> : null;
}

const EVENT_LABELS: Record<ConversationEvent['type'], string> = {
  handoff_requested: 'asked for a person',
  assigned: 'took the conversation',
  released: 'handed the conversation back to the queue',
  resolved: 'resolved the conversation; the assistant answers again',
  cancelled: 'went back to the assistant',
  lead_requested: 'asked the visitor for an email',
  lead_captured: 'left an email for the team',
};

function eventWhy(event: ConversationEvent): string | undefined {
  if (!event.reason) return undefined;
  if (event.type === 'handoff_requested') return HANDOFF_REASON_LABELS[event.reason as keyof typeof HANDOFF_REASON_LABELS] ?? event.reason;
  if (event.type === 'lead_requested') return event.reason === 'outside_office_hours' ? 'outside office hours' : 'nobody picked up in time';
  return event.reason;
}

function EventLine({ event }: { event: ConversationEvent }) {
  const who = event.actor === 'member' ? (event.actorName ?? 'A team member') : event.actor === 'visitor' ? 'The visitor' : 'The system';
  const why = eventWhy(event);
  return (
    <li data-testid="transcript-event" data-event={event.type} className="flex flex-wrap items-baseline gap-x-2 border-l-2 border-amber-400 py-1 pl-3 text-xs text-slate-600 dark:text-slate-400">
      <span className="font-medium text-slate-800 dark:text-slate-200">{who}</span>
      <span>{EVENT_LABELS[event.type]}</span>
      {why && <span>· {why}</span>}
      <time dateTime={event.createdAt.toISOString()}>{dateTime.format(event.createdAt)}</time>
    </li>
  );
}

function MessageItem({ message }: { message: Message }) {
  const who = message.role === 'user' ? 'Visitor' : message.role === 'agent' ? `${message.metadata.agentName ?? 'Team member'} (team)` : 'Assistant';
  const tone =
    message.role === 'user'
      ? 'border-indigo-200 bg-indigo-50/50 dark:border-indigo-900 dark:bg-indigo-950/40'
      : message.role === 'agent'
        ? 'border-emerald-200 bg-emerald-50/50 dark:border-emerald-900 dark:bg-emerald-950/40'
        : 'border-slate-200 dark:border-slate-800';
  return (
    <li data-testid="transcript-message" data-role={message.role} className={`rounded-lg border p-4 ${tone}`}>
      <div className="mb-1 flex flex-wrap items-center gap-2 text-xs text-slate-500">
        <span className="font-semibold text-slate-700 uppercase dark:text-slate-300">{who}</span>
        <span>{dateTime.format(message.createdAt)}</span>
        {message.status === 'failed' && <span className="rounded bg-red-100 px-1.5 text-red-800 dark:bg-red-950 dark:text-red-200">failed{message.metadata.error ? `: ${message.metadata.error}` : ''}</span>}
        {message.status === 'streaming' && <span className="rounded bg-amber-100 px-1.5 text-amber-800 dark:bg-amber-950 dark:text-amber-200">in progress</span>}
        {message.feedback !== null && (
          <span data-testid="message-feedback" aria-label={message.feedback === 1 ? 'Visitor found this helpful' : 'Visitor found this unhelpful'}>
            {message.feedback === 1 ? '👍 helpful' : '👎 not helpful'}
          </span>
        )}
      </div>
      {message.metadata.voiceSeconds !== undefined && (
        <p className="mb-1 text-xs text-slate-500" data-testid="voice-message">Spoken ({message.metadata.voiceSeconds.toFixed(1)} s); the text is its transcript</p>
      )}
      <p className="text-sm whitespace-pre-wrap">{message.content}</p>
      {message.attachments.filter((attachment) => attachment.type === 'image').map((attachment) => (
        <a key={attachment.url} href={attachment.url} target="_blank" rel="noopener noreferrer" className="mt-2 inline-block">
          {/* A members-only route (no image optimiser in between: it would fetch without the member's session). */}
          {/* eslint-disable-next-line @next/next/no-img-element */}
          <img
            src={attachment.url}
            alt={`Image the visitor attached${attachment.width ? ` (${attachment.width} × ${attachment.height} px)` : ''}`}
            width={attachment.width}
            height={attachment.height}
            loading="lazy"
            className="max-h-64 w-auto rounded border border-slate-200 dark:border-slate-700"
            data-testid="message-image"
          />
        </a>
      ))}
      {message.sources.length > 0 && (
        <ol className="mt-2 list-inside list-decimal text-xs text-slate-600 dark:text-slate-400" aria-label="Sources">
          {message.sources.map((source) => (
            <li key={`${source.index}-${source.chunkId}`} value={source.index}>
              <Link href={`/dashboard/knowledge/${source.documentId}`} className="hover:underline">
                {sourceLabel(source)}
              </Link>
            </li>
          ))}
        </ol>
      )}
      {message.role === 'assistant' && <MessageDetails message={message} />}
    </li>
  );
}

export function Transcript({ messages, events = [] }: { messages: Message[]; events?: ConversationEvent[] }) {
  if (messages.length === 0 && events.length === 0) return <p className="text-sm text-slate-500">No messages in this conversation.</p>;
  const timeline = [
    ...messages.map((message) => ({ at: message.createdAt.getTime(), order: 1, node: <MessageItem key={message.id} message={message} /> })),
    ...events.map((event) => ({ at: event.createdAt.getTime(), order: 0, node: <EventLine key={event.id} event={event} /> })),
  ].sort((a, b) => a.at - b.at || a.order - b.order);
  return <ol className="flex flex-col gap-4">{timeline.map((item) => item.node)}</ol>;
}

/** Who the visitor is: the identity the website signed (with its attributes), or anonymous; and any email they left. */
export function VisitorCard({ visitor, handoff }: { visitor: Visitor | undefined; handoff?: Pick<Handoff, 'leadEmail' | 'leadNote' | 'leadCapturedAt'> }) {
  return (
    <dl className="grid gap-x-6 gap-y-1 text-sm sm:grid-cols-[auto_1fr]" data-testid="visitor-card">
      {visitor ? (
        <>
          <dt className="text-slate-500">Visitor</dt>
          <dd>
            <span className="font-medium">{visitor.name ?? visitor.externalId}</span>{' '}
            <span className="rounded-full bg-emerald-100 px-2 py-0.5 text-xs text-emerald-800 dark:bg-emerald-950 dark:text-emerald-200">verified by the website</span>
          </dd>
          <dt className="text-slate-500">User id</dt>
          <dd className="font-mono text-xs break-all">{visitor.externalId}</dd>
          {visitor.email && (
            <>
              <dt className="text-slate-500">Email</dt>
              <dd>
                {visitor.email} <span className="text-xs text-slate-500">({visitor.emailVerified ? 'verified by the website' : 'not verified'})</span>
              </dd>
            </>
          )}
          {Object.entries(visitor.attributes).map(([name, value]) => (
            <div key={name} className="contents">
              <dt className="text-slate-500">{name}</dt>
              <dd className="break-all">{String(value)}</dd>
            </div>
          ))}
        </>
      ) : (
        <>
          <dt className="text-slate-500">Visitor</dt>
          <dd>Anonymous (not signed in on the website)</dd>
        </>
      )}
      {handoff?.leadEmail && (
        <>
          <dt className="text-slate-500">Left an email</dt>
          <dd data-testid="lead-email">
            {handoff.leadEmail} <span className="text-xs text-slate-500">(typed by the visitor, not verified)</span>
          </dd>
          {handoff.leadNote && (
            <>
              <dt className="text-slate-500">Note</dt>
              <dd className="whitespace-pre-wrap">{handoff.leadNote}</dd>
            </>
          )}
        </>
      )}
    </dl>
  );
}
