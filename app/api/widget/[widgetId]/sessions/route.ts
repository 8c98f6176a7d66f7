import { z } from 'zod';
import { createSession } from '@/db/queries/conversations';
import { withTenantId } from '@/db/withTenant';
import { clientIp } from '@/lib/rate-limit';
import type { StartedSession } from '@/lib/widget/client/types';
import {
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
});

/** Starts a visitor conversation and returns its signed token (the frame keeps it in localStorage). */
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
  const session = await withTenantId(widget.tenantId, (tx) =>
    createSession(tx, {
      tenantId: widget.tenantId,
      widgetId: widget.id,
      personalityId: widget.personalityId,
      source: 'widget',
      mode: 'text',
      metadata: { pageUrl: body.data.hostOrigin, userAgent: request.headers.get('user-agent')?.slice(0, 300) ?? undefined },
    }),
  );
  const started: StartedSession = { sessionId: session.id, token: signWidgetSession(widget.id, session.id) };
  return Response.json(started, { status: 201, headers: { 'Cache-Control': 'no-store' } });
}
