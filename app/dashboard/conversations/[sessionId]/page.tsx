import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { z } from 'zod';
import { ActionForm } from '@/components/action-form';
import { Card } from '@/components/ui/card';
import { SubmitButton } from '@/components/ui/submit-button';
import { getSessionCostsByService } from '@/db/queries/attachments';
import { getConversation, listSessionMessages } from '@/db/queries/conversations';
import { getLatestHandoff, listConversationEvents } from '@/db/queries/handoffs';
import { getVisitorById } from '@/db/queries/visitors';
import { can } from '@/lib/auth/permissions';
import { withDashboardTenant } from '@/lib/auth/session';
import { SERVICE_LABELS } from '@/lib/costs/services';
import { formatUsdExact } from '@/lib/format';
import { deleteConversationAction } from '../actions';
import { SourceBadge } from '../source-badge';
import { Transcript, VisitorCard } from '../transcript';

export const metadata: Metadata = { title: 'Conversation' };

const dateTime = new Intl.DateTimeFormat('en-US', { dateStyle: 'medium', timeStyle: 'medium' });

export default async function ConversationPage({ params }: { params: Promise<{ sessionId: string }> }) {
  const { sessionId } = await params;
  if (!z.uuid().safeParse(sessionId).success) notFound();
  const data = await withDashboardTenant(async (tx, context) => {
    const conversation = await getConversation(tx, context.tenantId, sessionId);
    if (!conversation) return undefined;
    return {
      ...conversation,
      messages: await listSessionMessages(tx, context.tenantId, sessionId),
      events: await listConversationEvents(tx, context.tenantId, sessionId),
      visitor: conversation.session.visitorId ? await getVisitorById(tx, context.tenantId, conversation.session.visitorId) : undefined,
      handoff: await getLatestHandoff(tx, context.tenantId, sessionId),
      costs: await getSessionCostsByService(tx, context.tenantId, sessionId),
      role: context.role,
    };
  });
  // Another tenant's conversation looks exactly like one that does not exist.
  if (!data) notFound();
  const { session, widgetName, messages, events, visitor, handoff, costs, role } = data;
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
          {costs.length > 0 && (
            <div className="sm:col-span-4" data-testid="conversation-costs">
              <dt className="inline text-slate-500">Cost by service: </dt>
              <dd className="inline">
                {costs.map((cost) => `${SERVICE_LABELS[cost.service]} ${formatUsdExact(cost.costUsd)}${cost.unit && cost.unit !== 'tokens' ? ` (${Number(cost.units)} ${cost.unit})` : ''}`).join(' · ')}
              </dd>
            </div>
          )}
          {session.metadata.pageUrl && <div className="sm:col-span-4"><dt className="inline text-slate-500">Page: </dt><dd className="inline break-all">{session.metadata.pageUrl}</dd></div>}
        </dl>
      </div>

      <Card title="Visitor">
        <VisitorCard visitor={visitor} handoff={handoff} />
        {handoff && (handoff.status === 'waiting' || handoff.status === 'assigned') && (
          <p className="mt-3 text-sm">
            A person is needed here: <Link href={`/dashboard/inbox/${session.id}`} className="text-indigo-600 hover:underline dark:text-indigo-400">open it in the Inbox</Link>.
          </p>
        )}
      </Card>

      <Card title="Transcript">
        <Transcript messages={messages} events={events} />
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
