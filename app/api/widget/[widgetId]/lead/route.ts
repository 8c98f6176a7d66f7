import { z } from 'zod';
import { withTenantId } from '@/db/withTenant';
import { captureLead, HandoffError, visitorHandoffView } from '@/lib/handoff/conversation';
import { notifyTeamOfLead } from '@/lib/handoff/notify';
import { authorizeVisitor, readJsonBody, WIDGET_LIMITS, widgetError } from '@/lib/widget/public-api';

export const dynamic = 'force-dynamic';

const leadSchema = z.object({
  email: z.string({ error: 'Enter your email address.' }).trim().max(320, 'That email address is too long.').pipe(z.email('Enter a valid email address.')),
  note: z
    .string()
    .trim()
    .max(WIDGET_LIMITS.leadNoteMaxChars, `The note can be at most ${WIDGET_LIMITS.leadNoteMaxChars} characters.`)
    .default('')
    .transform((note) => note || null),
});

/** The visitor leaves an email and a note for the team (lead capture); the team is notified. */
export async function POST(request: Request, { params }: { params: Promise<{ widgetId: string }> }) {
  const visitor = await authorizeVisitor(request, (await params).widgetId, ({ sessionId }) => [
    { key: `widget:handoff:${sessionId}`, ...WIDGET_LIMITS.handoffActionsPerSession },
  ]);
  if ('response' in visitor) return visitor.response;
  const body = await readJsonBody(request, leadSchema);
  if ('response' in body) return body.response;
  const { tenantId } = visitor.widget;
  try {
    const outcome = await withTenantId(tenantId, async (tx) => {
      const handoff = await captureLead(tx, tenantId, visitor.sessionId, body.data);
      return { handoff, state: await visitorHandoffView(tx, { tenantId, sessionId: visitor.sessionId }) };
    });
    void notifyTeamOfLead(tenantId, outcome.handoff.id);
    return Response.json(outcome.state, { status: 201, headers: { 'Cache-Control': 'no-store' } });
  } catch (error) {
    if (error instanceof HandoffError) return widgetError(409, 'conflict', error.message);
    throw error;
  }
}
