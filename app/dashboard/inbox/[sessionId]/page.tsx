import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { z } from 'zod';
import { ActionForm } from '@/components/action-form';
import { Card } from '@/components/ui/card';
import { SubmitButton } from '@/components/ui/submit-button';
import { getConversation, listSessionMessages } from '@/db/queries/conversations';
import { getLatestHandoff, getMemberDisplayName, listConversationEvents } from '@/db/queries/handoffs';
import { getVisitorById } from '@/db/queries/visitors';
import { can } from '@/lib/auth/permissions';
import { withDashboardTenant } from '@/lib/auth/session';
import { SourceBadge } from '../../conversations/source-badge';
import { Transcript, VisitorCard } from '../../conversations/transcript';
import { handBackConversationAction, resolveConversationAction, takeConversationAction } from '../actions';
import { RefreshOnChange } from '../live';
import { HANDOFF_REASON_LABELS } from '../reason-labels';
import { ReplyForm } from './reply-form';

export const metadata: Metadata = { title: 'Inbox conversation' };

const dateTime = new Intl.DateTimeFormat('en-US', { dateStyle: 'medium', timeStyle: 'short' });

export default async function InboxConversationPage({ params }: { params: Promise<{ sessionId: string }> }) {
  const { sessionId } = await params;
  if (!z.uuid().safeParse(sessionId).success) notFound();
  const data = await withDashboardTenant(async (tx, context) => {
    const conversation = await getConversation(tx, context.tenantId, sessionId);
    if (!conversation) return undefined;
    const handoff = await getLatestHandoff(tx, context.tenantId, sessionId);
    return {
      ...conversation,
      handoff,
      assignee: handoff?.assignedTo ? await getMemberDisplayName(tx, handoff.assignedTo) : undefined,
      messages: await listSessionMessages(tx, context.tenantId, sessionId),
      events: await listConversationEvents(tx, context.tenantId, sessionId),
      visitor: conversation.session.visitorId ? await getVisitorById(tx, context.tenantId, conversation.session.visitorId) : undefined,
      context,
    };
  });
  // Another workspace's conversation looks exactly like one that does not exist.
  if (!data) notFound();
  const { session, widgetName, handoff, assignee, messages, events, visitor, context } = data;
  const supervisor = can(context.role, 'inbox:supervise');
  const mine = handoff?.status === 'assigned' && handoff.assignedTo === context.userId;
  const open = handoff?.status === 'waiting' || handoff?.status === 'assigned';

  return (
    <div className="flex flex-col gap-6">
      <RefreshOnChange sessionId={session.id} />
      <div>
        <Link href="/dashboard/inbox" className="text-sm text-indigo-600 hover:underline dark:text-indigo-400">← Inbox</Link>
        <h1 className="mt-2 flex flex-wrap items-center gap-3 text-2xl font-semibold">
          {visitor ? (visitor.name ?? visitor.externalId) : 'Anonymous visitor'} <SourceBadge source={session.source} widgetName={widgetName} mode={session.mode} />
        </h1>
        <p className="mt-1 text-sm text-slate-600 dark:text-slate-400" data-testid="handoff-status">
          {!handoff
            ? 'The assistant is answering; nobody asked for a person.'
            : handoff.status === 'waiting'
              ? `Waiting for a person since ${dateTime.format(handoff.requestedAt)} · ${HANDOFF_REASON_LABELS[handoff.reason]}`
              : handoff.status === 'assigned'
                ? `${mine ? 'You are' : `${assignee} is`} answering · ${HANDOFF_REASON_LABELS[handoff.reason]}`
                : `${handoff.status === 'resolved' ? 'Resolved' : 'The visitor went back to the assistant'} ${handoff.closedAt ? dateTime.format(handoff.closedAt) : ''}: the assistant answers again.`}
        </p>
      </div>

      {open && (
        <Card title={mine ? 'Reply' : 'Handle this conversation'}>
          {handoff.status === 'waiting' && (
            <div className="flex flex-wrap gap-3">
              <ActionForm action={takeConversationAction}>
                <input type="hidden" name="handoffId" value={handoff.id} />
                <SubmitButton pendingLabel="Taking…">Take conversation</SubmitButton>
              </ActionForm>
            </div>
          )}
          {mine && <ReplyForm handoffId={handoff.id} />}
          {handoff.status === 'assigned' && !mine && <p className="text-sm text-slate-600 dark:text-slate-400">{assignee} is answering this visitor.</p>}
          <div className="mt-4 flex flex-wrap items-start gap-3 border-t border-slate-200 pt-4 dark:border-slate-800">
            {handoff.status === 'assigned' && (mine || supervisor) && (
              <ActionForm action={handBackConversationAction}>
                <input type="hidden" name="handoffId" value={handoff.id} />
                <SubmitButton variant="secondary" pendingLabel="Handing back…">Hand back to the queue</SubmitButton>
              </ActionForm>
            )}
            {(mine || supervisor) && (
              <ActionForm action={resolveConversationAction}>
                <input type="hidden" name="handoffId" value={handoff.id} />
                <label htmlFor="resolve-note" className="sr-only">Resolution note</label>
                <input id="resolve-note" name="note" maxLength={500} placeholder="Note (optional)" className="rounded-md border border-slate-300 px-2 py-1.5 text-sm dark:border-slate-700 dark:bg-slate-900" />
                <SubmitButton variant="secondary" pendingLabel="Resolving…">Resolve</SubmitButton>
              </ActionForm>
            )}
          </div>
        </Card>
      )}

      <Card title="Visitor">
        <VisitorCard visitor={visitor} handoff={handoff} />
      </Card>

      <Card title="Conversation">
        <Transcript messages={messages} events={events} />
      </Card>
    </div>
  );
}
