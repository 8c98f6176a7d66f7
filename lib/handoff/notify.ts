import 'server-only';
import { getHandoffById, getSupportSettings, listHandoffRecipients } from '@/db/queries/handoffs';
import { getSessionById } from '@/db/queries/conversations';
import { getTenantById } from '@/db/queries/tenants';
import { getVisitorById } from '@/db/queries/visitors';
import type { Handoff } from '@/db/schema';
import { withTenantId } from '@/db/withTenant';
import { sendTeamNotificationEmail } from '@/lib/email';
import { getEnv } from '@/lib/env';
import { isWithinOfficeHours } from './office-hours';

// Emails to the team about handoffs, sent after the change has committed and never in the
// visitor's way: failures are logged, the Inbox shows everything regardless.

const REASONS: Record<Handoff['reason'], string> = {
  visitor_request: 'asked for a person',
  keyword: 'wrote that they want to talk to a person',
  no_answer: 'accepted a person after the assistant could not answer twice',
  negative_feedback: 'accepted a person after rating an answer unhelpful',
};

async function context(tenantId: string, handoffId: string) {
  return withTenantId(tenantId, async (tx) => {
    const handoff = await getHandoffById(tx, tenantId, handoffId);
    if (!handoff) return undefined;
    const session = await getSessionById(tx, tenantId, handoff.sessionId);
    const visitor = session?.visitorId ? await getVisitorById(tx, tenantId, session.visitorId) : undefined;
    return {
      handoff,
      workspace: (await getTenantById(tx, tenantId))?.name ?? 'your workspace',
      recipients: await listHandoffRecipients(tx, tenantId),
      settings: await getSupportSettings(tx, tenantId),
      visitor: visitor ? `${visitor.name ?? visitor.externalId}${visitor.email ? ` <${visitor.email}>` : ''} (signed in, id ${visitor.externalId})` : 'An anonymous visitor',
    };
  });
}

function inboxLink(sessionId: string): string {
  const { APP_URL } = getEnv();
  return APP_URL ? `\n\nOpen the conversation: ${new URL(`/dashboard/inbox/${sessionId}`, APP_URL).toString()}` : '\n\nOpen the Inbox in the dashboard to answer.';
}

/** A visitor is waiting for a person: the members on duty hear about it (within office hours). */
export async function notifyTeamOfHandoff(tenantId: string, handoffId: string): Promise<boolean> {
  try {
    const found = await context(tenantId, handoffId);
    if (!found || !isWithinOfficeHours(found.settings, found.handoff.requestedAt)) return false;
    return await sendTeamNotificationEmail({
      to: found.recipients,
      subject: `A visitor is waiting for a person · ${found.workspace}`,
      text: `${found.visitor} ${REASONS[found.handoff.reason]} and is waiting in the chat.${inboxLink(found.handoff.sessionId)}`,
    });
  } catch (error) {
    console.error('Handoff notification failed', error);
    return false;
  }
}

/** A visitor left their email for the team (outside office hours, or nobody picked up). */
export async function notifyTeamOfLead(tenantId: string, handoffId: string): Promise<boolean> {
  try {
    const found = await context(tenantId, handoffId);
    if (!found?.handoff.leadEmail) return false;
    const { leadEmail, leadNote } = found.handoff;
    return await sendTeamNotificationEmail({
      to: found.recipients,
      subject: `New lead from the chat: ${leadEmail} · ${found.workspace}`,
      text:
        `${found.visitor} wanted a person and left an email address to be contacted at.\n\n` +
        `Email: ${leadEmail}\nNote: ${leadNote ?? '(none)'}\n\n` +
        `The email was typed by the visitor and is not verified.${inboxLink(found.handoff.sessionId)}`,
    });
  } catch (error) {
    console.error('Lead notification failed', error);
    return false;
  }
}
