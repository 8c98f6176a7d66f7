import { z } from 'zod';
import { listSessionMessages } from '@/db/queries/conversations';
import { withTenantId } from '@/db/withTenant';
import { ReplyRequestError, streamReply } from '@/lib/ai/engine';
import { REPLY_CONTENT_TYPE } from '@/lib/chat/protocol';
import { raiseBudgetAlerts } from '@/lib/costs/alerts';
import { checkSpendLimits, SPEND_REFUSAL_MESSAGES } from '@/lib/costs/budget';
import type { VisitorHistory } from '@/lib/widget/client/types';
import { authorizeVisitor, invalidSession, messageRateLimits, readJsonBody, WIDGET_LIMITS, widgetError } from '@/lib/widget/public-api';
import { findVisitorSession, toVisitorMessage } from '@/lib/widget/visitor-session';

export const dynamic = 'force-dynamic';

type Params = { params: Promise<{ widgetId: string }> };

/** The visitor's conversation so far, so it survives page reloads (with a fresh token when theirs is ageing). */
export async function GET(request: Request, { params }: Params) {
  const visitor = await authorizeVisitor(request, (await params).widgetId);
  if ('response' in visitor) return visitor.response;
  const history = await withTenantId(visitor.widget.tenantId, async (tx) => {
    if (!(await findVisitorSession(tx, visitor))) return undefined;
    return (await listSessionMessages(tx, visitor.widget.tenantId, visitor.sessionId)).filter((message) => message.role !== 'system').map(toVisitorMessage);
  });
  if (!history) return invalidSession();
  return Response.json({ messages: history, token: visitor.renewedToken } satisfies VisitorHistory, { headers: { 'Cache-Control': 'no-store' } });
}

const messageSchema = z.object({
  content: z
    .string({ error: 'content is required.' })
    .trim()
    .min(1, 'Type a message first.')
    .max(WIDGET_LIMITS.messageMaxChars, `Messages can be at most ${WIDGET_LIMITS.messageMaxChars} characters.`),
});

/**
 * Sends a visitor message and streams the reply (NDJSON ReplyEvents). The engine stores the
 * message before any model is called and finishes and stores the reply even if the visitor
 * leaves mid-stream, so this handler only gates: token, body, limits, session, spend cap.
 */
export async function POST(request: Request, { params }: Params) {
  const visitor = await authorizeVisitor(request, (await params).widgetId, messageRateLimits);
  if ('response' in visitor) return visitor.response;
  const body = await readJsonBody(request, messageSchema);
  if ('response' in body) return body.response;
  const { tenantId, settings } = visitor.widget;
  const gate = await withTenantId(tenantId, async (tx) => {
    if (!(await findVisitorSession(tx, visitor))) return 'no-session';
    const widget = { id: visitor.widget.id, dailySpendCapUsd: settings.dailySpendCapUsd, visitorDailySpendCapUsd: settings.visitorDailySpendCapUsd };
    return (await checkSpendLimits(tx, { tenantId, sessionId: visitor.sessionId, widget })) ?? 'open';
  });
  if (gate === 'no-session') return invalidSession();
  if (gate === 'monthly_cap') {
    // The scheduled rollup would raise it within a minute; the first refused visitor does it now.
    await raiseBudgetAlerts(tenantId);
    return widgetError(503, 'unavailable', 'The assistant is unavailable right now. Please try again later.');
  }
  // The widget's own daily ceilings (the engine also reserves against them for each reply).
  if (gate === 'widget_daily_cap') return widgetError(503, 'unavailable', SPEND_REFUSAL_MESSAGES[gate]);
  if (gate === 'visitor_daily_cap') return widgetError(429, 'rate_limited', SPEND_REFUSAL_MESSAGES[gate]);
  try {
    // Outside any scope: the engine opens its own (nested scopes would deadlock PGlite).
    const reply = await streamReply({ tenantId, sessionId: visitor.sessionId, content: body.data.content, audience: 'visitor' });
    return new Response(reply, { headers: { 'Content-Type': REPLY_CONTENT_TYPE, 'Cache-Control': 'no-store', 'X-Accel-Buffering': 'no' } });
  } catch (error) {
    if (error instanceof ReplyRequestError) return invalidSession();
    throw error;
  }
}
