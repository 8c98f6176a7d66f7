import { WebhookReceiver } from 'livekit-server-sdk';
import { enqueueMeetingSummary } from '@/db/queue';
import { liveKitConfig } from '@/lib/livekit/config';
import { BodyTooLargeError, problem, readBoundedText } from '@/lib/meetings/http';
import { applyWebhookEvent } from '@/lib/meetings/webhooks';

export const dynamic = 'force-dynamic';

// LiveKit's webhook events are small JSON documents; anything far larger is not from LiveKit.
const MAX_BODY_BYTES = 64 * 1024;

/**
 * LiveKit webhooks: the raw body is checked against the signed token in Authorization (the
 * SDK verifies the JWT with the API secret and the body's SHA-256 inside it) before anything
 * is parsed or stored.
 */
export async function POST(request: Request) {
  const config = liveKitConfig();
  if (!config) return problem(503, 'not_configured', 'LiveKit is not configured on this server.');
  let body: string;
  try {
    body = await readBoundedText(request, MAX_BODY_BYTES);
  } catch (error) {
    if (error instanceof BodyTooLargeError) return problem(413, 'too_large', 'The request is too large.');
    throw error;
  }
  const authorization = request.headers.get('authorization')?.replace(/^Bearer\s+/i, '');
  if (!authorization) return problem(401, 'unauthenticated', 'The webhook is not signed.');
  const receiver = new WebhookReceiver(config.apiKey, config.apiSecret);
  let event: Awaited<ReturnType<WebhookReceiver['receive']>>;
  try {
    event = await receiver.receive(body, authorization);
  } catch (error) {
    // The signature is checked before the body is parsed: a parse failure means a signed but malformed body.
    if (error instanceof SyntaxError || (error instanceof Error && /json/i.test(error.name + error.message) && !/sha256|signature|token|jws|jwt/i.test(error.message))) {
      return problem(400, 'invalid', 'The webhook body is not a LiveKit event.');
    }
    return problem(401, 'invalid_signature', 'The webhook signature or body hash does not match.');
  }
  const outcome = await applyWebhookEvent(event);
  if (outcome.status === 'processed' && outcome.roomFinished) {
    await enqueueMeetingSummary({ tenantId: outcome.tenantId, meetingId: outcome.meetingId }).catch((error) =>
      console.error('Could not queue the meeting summary', error),
    );
  }
  return Response.json({ status: outcome.status }, { headers: { 'cache-control': 'no-store' } });
}
