import { z } from 'zod';
import { createSession } from '@/db/queries/conversations';
import { getLatestVisitorSession, upsertVisitor } from '@/db/queries/visitors';
import { withTenantId } from '@/db/withTenant';
import { clientIp } from '@/lib/rate-limit';
import type { StartedSession } from '@/lib/widget/client/types';
import {
  identifyVisitor,
  isAllowedHostOrigin,
  isFromAppOrigin,
  readJsonBody,
  resolveActiveWidget,
  WIDGET_LIMITS,
  widgetError,
} from '@/lib/widget/public-api';
import { signWidgetSession } from '@/lib/widget/session-token';

export const dynamic = 'force-dynamic';

const startSchema = z.object({
  hostOrigin: z.string({ error: 'hostOrigin is required.' }).max(300, 'hostOrigin is too long.'),
  // A verified visitor opening the chat on a device without a conversation: continue their latest.
  resume: z.boolean({ error: 'resume must be true or false.' }).default(false),
});

/**
 * Starts a visitor conversation and returns its signed token (the frame keeps it in
 * localStorage). A verified visitor (see identifyVisitor) is recorded by their `sub` and the
 * conversation is theirs: `resume: true` returns their latest conversation on this widget from
 * any device (204 when they have none), which is how history follows them.
 */
export async function POST(request: Request, { params }: { params: Promise<{ widgetId: string }> }) {
  if (!isFromAppOrigin(request)) return widgetError(403, 'forbidden', 'This chat can only be used from its own window.');
  const body = await readJsonBody(request, startSchema);
  if ('response' in body) return body.response;
  const ip = clientIp(request.headers);
  const resolved = await resolveActiveWidget((await params).widgetId, (widget) => [
    { key: `widget:sessions:ip:${ip}`, ...WIDGET_LIMITS.sessionsPerIp },
    { key: `widget:sessions:widget:${widget.id}`, ...WIDGET_LIMITS.sessionsPerWidget },
  ]);
  if ('response' in resolved) return resolved.response;
  const { widget } = resolved;
  // The frame reports the page it is embedded in; the browser already enforced it with
  // frame-ancestors, and it is checked again here in case the allow-list changed since.
  if (!isAllowedHostOrigin(widget, body.data.hostOrigin)) {
    return widgetError(403, 'forbidden', 'This site is not allowed to embed this chat.');
  }
  const outcome = await withTenantId(widget.tenantId, async (tx) => {
    const identified = await identifyVisitor(tx, widget, request);
    if ('response' in identified) return identified;
    const { identity } = identified;
    const visitor = identity
      ? await upsertVisitor(tx, widget.tenantId, {
          externalId: identity.externalId,
          email: identity.email,
          emailVerified: identity.emailVerified,
          name: identity.name,
          attributes: identity.attributes,
        })
      : undefined;
    if (body.data.resume) {
      const latest = visitor ? await getLatestVisitorSession(tx, widget.tenantId, visitor.id, widget.id) : undefined;
      return { sessionId: latest?.id, resumed: true };
    }
    const session = await createSession(tx, {
      tenantId: widget.tenantId,
      widgetId: widget.id,
      personalityId: widget.personalityId,
      visitorId: visitor?.id,
      source: 'widget',
      mode: 'text',
      metadata: { pageUrl: body.data.hostOrigin, userAgent: request.headers.get('user-agent')?.slice(0, 300) ?? undefined },
    });
    return { sessionId: session.id, resumed: false };
  });
  if ('response' in outcome) return outcome.response;
  if (!outcome.sessionId) return new Response(null, { status: 204, headers: { 'Cache-Control': 'no-store' } });
  const started: StartedSession = { sessionId: outcome.sessionId, token: signWidgetSession(widget.id, outcome.sessionId), resumed: outcome.resumed };
  return Response.json(started, { status: outcome.resumed ? 200 : 201, headers: { 'Cache-Control': 'no-store' } });
}
