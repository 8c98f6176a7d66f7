import { isAllowedHostOrigin, isFromAppOrigin, publicWidgetConfig, resolveActiveWidget, widgetError } from '@/lib/widget/public-api';

export const dynamic = 'force-dynamic';

/**
 * The widget's public look, read by the loader on the host page. This is the one cross-origin
 * route: CORS allows exactly the widget's allowed origins (echoed, with Vary: Origin), and any
 * other site is answered 403 without CORS headers, so its scripts cannot read anything either.
 */
export async function GET(request: Request, { params }: { params: Promise<{ widgetId: string }> }) {
  const resolved = await resolveActiveWidget((await params).widgetId);
  if ('response' in resolved) return resolved.response;
  const origin = request.headers.get('origin');
  const cors = origin && isAllowedHostOrigin(resolved.widget, origin);
  if (origin && !cors && !isFromAppOrigin(request)) {
    return widgetError(403, 'forbidden', 'This site is not allowed to embed this chat. Add it to the widget’s allowed origins.');
  }
  return Response.json(publicWidgetConfig(resolved.widget), {
    headers: {
      'Cache-Control': 'public, max-age=60',
      Vary: 'Origin',
      ...(cors ? { 'Access-Control-Allow-Origin': origin } : {}),
    },
  });
}
