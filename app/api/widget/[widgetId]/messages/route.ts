import { z } from 'zod';
import { withTenantId } from '@/db/withTenant';
import type { VisitorHistory } from '@/lib/widget/client/types';
import { deliverVisitorMessage } from '@/lib/widget/deliver';
import { authorizeVisitor, messageRateLimits, readJsonBody, REPLY_HEADERS, WIDGET_LIMITS } from '@/lib/widget/public-api';
import { visitorTranscript } from '@/lib/widget/visitor-session';

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
  const delivered = await deliverVisitorMessage(visitor, body.data.content);
  if ('response' in delivered) return delivered.response;
  return new Response(delivered.reply, { headers: REPLY_HEADERS });
}
