import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { z } from 'zod';
import { ActionForm } from '@/components/action-form';
import { Card } from '@/components/ui/card';
import { SubmitButton } from '@/components/ui/submit-button';
import { getConversation, listSessionMessages } from '@/db/queries/conversations';
import type { Message } from '@/db/schema';
import { can } from '@/lib/auth/permissions';
import { withDashboardTenant } from '@/lib/auth/session';
import { sourceLabel } from '@/lib/chat/source-label';
import { formatUsdExact } from '@/lib/format';
import { deleteConversationAction } from '../actions';
import { SourceBadge } from '../source-badge';

export const metadata: Metadata = { title: 'Conversation' };

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

export default async function ConversationPage({ params }: { params: Promise<{ sessionId: string }> }) {
  const { sessionId } = await params;
  if (!z.uuid().safeParse(sessionId).success) notFound();
  const data = await withDashboardTenant(async (tx, context) => {
    const conversation = await getConversation(tx, context.tenantId, sessionId);
    if (!conversation) return undefined;
    return { ...conversation, messages: await listSessionMessages(tx, context.tenantId, sessionId), role: context.role };
  });
  // Another tenant's conversation looks exactly like one that does not exist.
  if (!data) notFound();
  const { session, widgetName, messages, role } = data;
  const answers = messages.filter((message) => message.role === 'assistant' && message.metadata.latencyMs !== undefined);
  const averageLatency = answers.length ? Math.round(answers.reduce((sum, message) => sum + message.metadata.latencyMs!, 0) / answers.length) : undefined;

  return (
    <div className="flex flex-col gap-6">
      <div>
        <Link href="/dashboard/conversations" className="text-sm text-indigo-600 hover:underline dark:text-indigo-400">← Conversations</Link>
        <h1 className="mt-2 flex flex-wrap items-center gap-3 text-2xl font-semibold">
          Conversation <SourceBadge source={session.source} widgetName={widgetName} mode={session.mode} />
        </h1>
        <dl className="mt-3 grid gap-x-6 gap-y-1 text-sm sm:grid-cols-4" data-testid="conversation-summary">
          <div><dt className="text-slate-500">Started</dt><dd>{dateTime.format(session.createdAt)}</dd></div>
          <div><dt className="text-slate-500">Messages</dt><dd>{session.messageCount}</dd></div>
          <div><dt className="text-slate-500">Cost</dt><dd>{formatUsdExact(session.costUsd)}</dd></div>
          <div><dt className="text-slate-500">Average reply time</dt><dd>{averageLatency !== undefined ? `${averageLatency} ms` : '—'}</dd></div>
          {session.metadata.pageUrl && <div className="sm:col-span-4"><dt className="inline text-slate-500">Page: </dt><dd className="inline break-all">{session.metadata.pageUrl}</dd></div>}
        </dl>
      </div>

      <Card title="Transcript">
        {messages.length === 0 ? (
          <p className="text-sm text-slate-500">No messages in this conversation.</p>
        ) : (
          <ol className="flex flex-col gap-4">
            {messages.map((message) => (
              <li key={message.id} data-testid="transcript-message" data-role={message.role} className={`rounded-lg border p-4 ${message.role === 'user' ? 'border-indigo-200 bg-indigo-50/50 dark:border-indigo-900 dark:bg-indigo-950/40' : 'border-slate-200 dark:border-slate-800'}`}>
                <div className="mb-1 flex flex-wrap items-center gap-2 text-xs text-slate-500">
                  <span className="font-semibold text-slate-700 uppercase dark:text-slate-300">{message.role === 'user' ? 'Visitor' : 'Assistant'}</span>
                  <span>{dateTime.format(message.createdAt)}</span>
                  {message.status === 'failed' && <span className="rounded bg-red-100 px-1.5 text-red-800 dark:bg-red-950 dark:text-red-200">failed{message.metadata.error ? `: ${message.metadata.error}` : ''}</span>}
                  {message.status === 'streaming' && <span className="rounded bg-amber-100 px-1.5 text-amber-800 dark:bg-amber-950 dark:text-amber-200">in progress</span>}
                  {message.feedback !== null && (
                    <span data-testid="message-feedback" aria-label={message.feedback === 1 ? 'Visitor found this helpful' : 'Visitor found this unhelpful'}>
                      {message.feedback === 1 ? '👍 helpful' : '👎 not helpful'}
                    </span>
                  )}
                </div>
                <p className="text-sm whitespace-pre-wrap">{message.content}</p>
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
            ))}
          </ol>
        )}
      </Card>

      {can(role, 'conversations:delete') && (
        <Card title="Delete conversation" description="Removes the transcript for good (for example on a visitor’s privacy request). Its costs stay in the totals.">
          <ActionForm action={deleteConversationAction} confirm="Delete this conversation for good?">
            <input type="hidden" name="sessionId" value={session.id} />
            <SubmitButton variant="danger" pendingLabel="Deleting…">Delete conversation</SubmitButton>
          </ActionForm>
        </Card>
      )}
    </div>
  );
}
