import { z } from 'zod';
import { withTenantId } from '@/db/withTenant';
import { cancelHandoff, HandoffError, handoffReasonFor, requestHandoff, visitorHandoffView } from '@/lib/handoff/conversation';
import { notifyTeamOfHandoff } from '@/lib/handoff/notify';
import type { HandoffView } from '@/lib/widget/client/types';
import { authorizeVisitor, readJsonBody, WIDGET_LIMITS, widgetError } from '@/lib/widget/public-api';

export const dynamic = 'force-dynamic';

type Params = { params: Promise<{ widgetId: string }> };

const view = (state: HandoffView, status = 200) => Response.json(state, { status, headers: { 'Cache-Control': 'no-store' } });

/** Where the conversation stands with the team: who answers, an offer of a person, the lead form. */
export async function GET(request: Request, { params }: Params) {
  const visitor = await authorizeVisitor(request, (await params).widgetId);
  if ('response' in visitor) return visitor.response;
  const { tenantId } = visitor.widget;
  return view(await withTenantId(tenantId, (tx) => visitorHandoffView(tx, { tenantId, sessionId: visitor.sessionId })));
}

const handoffSchema = z.discriminatedUnion('action', [
  // acceptOffer: the visitor took the assistant's offer (the reason recorded is the offer's).
  z.object({ action: z.literal('request'), acceptOffer: z.boolean().default(false) }),
  z.object({ action: z.literal('cancel') }),
], { error: 'action must be "request" or "cancel".' });

/** The visitor asks for a person (the frame's button, or accepting the offer), or goes back to the assistant. */
export async function POST(request: Request, { params }: Params) {
  const visitor = await authorizeVisitor(request, (await params).widgetId, ({ sessionId }) => [
    { key: `widget:handoff:${sessionId}`, ...WIDGET_LIMITS.handoffActionsPerSession },
  ]);
  if ('response' in visitor) return visitor.response;
  const body = await readJsonBody(request, handoffSchema);
  if ('response' in body) return body.response;
  const { tenantId } = visitor.widget;
  const { sessionId } = visitor;
  try {
    const outcome = await withTenantId(tenantId, async (tx) => {
      let opened: string | undefined;
      if (body.data.action === 'cancel') await cancelHandoff(tx, tenantId, sessionId);
      else {
        const reason = await handoffReasonFor(tx, tenantId, sessionId, body.data.acceptOffer);
        const requested = await requestHandoff(tx, { tenantId, sessionId, reason });
        if (requested.opened) opened = requested.handoff.id;
      }
      return { opened, state: await visitorHandoffView(tx, { tenantId, sessionId }) };
    });
    if (outcome.opened) void notifyTeamOfHandoff(tenantId, outcome.opened);
    return view(outcome.state, outcome.opened ? 201 : 200);
  } catch (error) {
    if (error instanceof HandoffError) return widgetError(error.code === 'forbidden' ? 403 : 409, error.code === 'forbidden' ? 'forbidden' : 'conflict', error.message);
    throw error;
  }
}
