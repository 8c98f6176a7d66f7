import { z } from 'zod';
import { resolvePublicWidget } from '@/db/queries/widgets';
import { withSystem } from '@/db/withTenant';
import { normalizeOriginPattern } from '@/lib/domains';
import { chatFramePage, frameContentSecurityPolicy, noticeFramePage } from '@/lib/widget/frame-page';
import { visionModel } from '@/lib/vision/ask';
import { speechToTextConfig, textToSpeechConfig } from '@/lib/voice/config';
import { CLIP_LIMITS } from '@/lib/widget/media/clip';
import { IMAGE_LIMITS } from '@/lib/widget/media/image';
import { widgetMedia } from '@/lib/widget/media/settings';
import type { FrameMedia } from '@/lib/widget/client/types';
import { isAllowedHostOrigin, publicWidgetConfig, WIDGET_LIMITS } from '@/lib/widget/public-api';

export const dynamic = 'force-dynamic';

function html(status: number, body: string, frameAncestors: string) {
  return new Response(body, {
    status,
    headers: {
      'Content-Type': 'text/html; charset=utf-8',
      'Content-Security-Policy': frameContentSecurityPolicy(frameAncestors),
      'Cache-Control': 'no-store',
      'X-Content-Type-Options': 'nosniff',
      'Referrer-Policy': 'no-referrer',
      // The chat may ask for the microphone (voice messages), nothing else.
      'Permissions-Policy': 'microphone=(self), camera=(), geolocation=()',
    },
  });
}

/**
 * The chat frame the loader opens: `/widget/<id>?origin=<host page origin>`. The origin must
 * be on the widget's allow-list, and the page is sent with `frame-ancestors <that origin>`, so
 * the browser itself refuses to render it anywhere else, whatever the query string claims.
 * That makes the origin trustworthy enough to give the frame (for postMessage and for the
 * session it starts); proxy.ts leaves this route's framing headers alone.
 */
export async function GET(request: Request, { params }: { params: Promise<{ widgetId: string }> }) {
  const { widgetId } = await params;
  const widget = z.uuid().safeParse(widgetId).success ? await withSystem((tx) => resolvePublicWidget(tx, widgetId)) : undefined;
  if (!widget) return html(404, noticeFramePage('This chat is not available.'), "'none'");
  const origin = normalizeOriginPattern(new URL(request.url).searchParams.get('origin') ?? '');
  if (!origin || !isAllowedHostOrigin(widget, origin)) {
    return html(403, noticeFramePage('This site is not allowed to embed this chat.'), "'none'");
  }
  if (!widget.isActive) return html(410, noticeFramePage('This chat has been turned off by the site owner.'), origin);
  return html(
    200,
    chatFramePage({
      ...publicWidgetConfig(widget),
      hostOrigin: origin,
      allowedOrigins: widget.allowedOrigins,
      messageMaxChars: WIDGET_LIMITS.messageMaxChars,
      media: frameMedia(widget.settings),
    }),
    origin,
  );
}

/** What the chat offers: what the owner turned on, where this deployment has the service for it. */
function frameMedia(settings: Parameters<typeof widgetMedia>[0]): FrameMedia {
  const media = widgetMedia(settings);
  return {
    voiceInput: media.voiceInput && speechToTextConfig() !== undefined,
    voiceReplies: media.voiceReplies && textToSpeechConfig() !== undefined,
    images: media.images && visionModel() !== undefined,
    maxClipSeconds: CLIP_LIMITS.maxSeconds,
    maxImageBytes: IMAGE_LIMITS.maxBytes,
  };
}
