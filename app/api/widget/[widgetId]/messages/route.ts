import { z } from 'zod';
import { withTenantId } from '@/db/withTenant';
import { AssistantSilencedError, ReplyRequestError, streamReply } from '@/lib/ai/engine';
import { REPLY_CONTENT_TYPE } from '@/lib/chat/protocol';
import { raiseBudgetAlerts } from '@/lib/costs/alerts';
import { checkSpendLimits, SPEND_REFUSAL_MESSAGES } from '@/lib/costs/budget';
import { getOpenHandoff, getSupportSettings } from '@/db/queries/handoffs';
import { requestHandoff, storeMessageForTeam } from '@/lib/handoff/conversation';
import { notifyTeamOfHandoff } from '@/lib/handoff/notify';
import { asksForPerson } from '@/lib/handoff/phrases';
import type { VisitorHistory, VisitorMessage } from '@/lib/widget/client/types';
import { authorizeVisitor, invalidSession, messageRateLimits, readJsonBody, WIDGET_LIMITS, widgetError } from '@/lib/widget/public-api';
import { toVisitorMessage, visitorTranscript } from '@/lib/widget/visitor-session';

export const dynamic = 'force-dynamic';

type Params = { params: Promise<{ widgetId: string }> };

/**
 * The visitor's conversation so far (messages and handoff notices), so it survives reloads and
 * devices, with a fresh token when theirs is ageing.
 */
export async function GET(request: Request, { params }: Params) {
  const visitor = await authorizeVisitor(request, (await params).widgetId);
  if ('response' in visitor) return visitor.response;
  const history = await withTenantId(visitor.widget.tenantId, (tx) => visitorTranscript(tx, visitor.widget.tenantId, visitor.sessionId));
  return Response.json({ messages: history, token: visitor.renewedToken } satisfies VisitorHistory, { headers: { 'Cache-Control': 'no-store' } });
}

const messageSchema = z.object({
  content: z
    .string({ error: 'content is required.' })
    .trim()
    .min(1, 'Type a message first.')
    .max(WIDGET_LIMITS.messageMaxChars, `Messages can be at most ${WIDGET_LIMITS.messageMaxChars} characters.`),
});

/** Sent to the team instead of the assistant: 202 with the stored message (no reply stream). */
const toTeam = (message: VisitorMessage) =>
  Response.json({ message, forwardedToTeam: true }, { status: 202, headers: { 'Cache-Control': 'no-store' } });

/**
 * Sends a visitor message. While a person owns the conversation (or is being waited for), or
 * when the message asks for one, it goes to the team and the assistant stays silent (202 JSON).
 * Otherwise the assistant's reply streams back (NDJSON ReplyEvents): the engine stores the
 * message before any model is called and finishes and stores the reply even if the visitor
 * leaves, so this handler only gates: token, identity, body, limits, handoff, spend cap.
 */
export async function POST(request: Request, { params }: Params) {
  const visitor = await authorizeVisitor(request, (await params).widgetId, messageRateLimits);
  if ('response' in visitor) return visitor.response;
  const body = await readJsonBody(request, messageSchema);
  if ('response' in body) return body.response;
  const { tenantId, settings } = visitor.widget;
  const { sessionId } = visitor;
  const content = body.data.content;
  const gate = await withTenantId(tenantId, async (tx) => {
    if (await getOpenHandoff(tx, tenantId, sessionId)) return { to: 'team' as const, message: await storeMessageForTeam(tx, tenantId, sessionId, content) };
    if (asksForPerson(content) && (await getSupportSettings(tx, tenantId)).handoffEnabled) {
      const message = await storeMessageForTeam(tx, tenantId, sessionId, content);
      const { handoff, opened } = await requestHandoff(tx, { tenantId, sessionId, reason: 'keyword' });
      return { to: 'team' as const, message, handoffId: opened ? handoff.id : undefined };
    }
    const widget = { id: visitor.widget.id, dailySpendCapUsd: settings.dailySpendCapUsd, visitorDailySpendCapUsd: settings.visitorDailySpendCapUsd };
    return { to: (await checkSpendLimits(tx, { tenantId, sessionId, widget })) ?? ('assistant' as const) };
  });
  if (gate.to === 'team') {
    if (gate.handoffId) void notifyTeamOfHandoff(tenantId, gate.handoffId);
    return toTeam(toVisitorMessage(gate.message));
  }
  if (gate.to === 'monthly_cap') {
    // The scheduled rollup would raise it within a minute; the first refused visitor does it now.
    await raiseBudgetAlerts(tenantId);
    return widgetError(503, 'unavailable', 'The assistant is unavailable right now. Please try again later.');
  }
  // The widget's own daily ceilings (the engine also reserves against them for each reply).
  if (gate.to === 'widget_daily_cap') return widgetError(503, 'unavailable', SPEND_REFUSAL_MESSAGES[gate.to]);
  if (gate.to === 'visitor_daily_cap') return widgetError(429, 'rate_limited', SPEND_REFUSAL_MESSAGES[gate.to]);
  try {
    // Outside any scope: the engine opens its own (nested scopes would deadlock PGlite).
    const reply = await streamReply({ tenantId, sessionId, content, audience: 'visitor' });
    return new Response(reply, { headers: { 'Content-Type': REPLY_CONTENT_TYPE, 'Cache-Control': 'no-store', 'X-Accel-Buffering': 'no' } });
  } catch (error) {
    if (error instanceof ReplyRequestError) return invalidSession();
    // A handoff opened between the gate and the engine: the message goes to the team after all.
    if (error instanceof AssistantSilencedError) return toTeam(toVisitorMessage(await withTenantId(tenantId, (tx) => storeMessageForTeam(tx, tenantId, sessionId, content))));
    throw error;
  }
}
