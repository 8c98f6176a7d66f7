import { getSessionMediaUsage, lockSessionForMedia } from '@/db/queries/attachments';
import { withTenantId } from '@/db/withTenant';
import { reserveSpend, settleReservation } from '@/lib/costs/budget';
import { estimateCost } from '@/lib/costs/events';
import { speechToTextConfig, textToSpeechConfig } from '@/lib/voice/config';
import { recordSpeechToTextCost } from '@/lib/voice/costs';
import { SpeechServiceError, type Transcript, transcribeFile } from '@/lib/voice/stt';
import { deliverVisitorMessage, spendRefusalResponse, widgetSpendScope } from '@/lib/widget/deliver';
import { CLIP_LIMITS, clipMediaType, ClipRejectedError, inspectClip } from '@/lib/widget/media/clip';
import { readLimitedBody } from '@/lib/read-body';
import { widgetMedia } from '@/lib/widget/media/settings';
import { spokenReply } from '@/lib/widget/media/spoken-reply';
import { authorizeVisitor, messageRateLimits, REPLY_HEADERS, WIDGET_LIMITS, widgetError } from '@/lib/widget/public-api';

export const dynamic = 'force-dynamic';

/**
 * A visitor's voice message: the raw clip as the body (`audio/webm` with Opus, as browsers
 * record it, or 16-bit PCM `audio/wav`). Checked (type from the bytes, size, length) before
 * anything is stored or billed; then the conversation's voice limits and the spend limits;
 * then speech to text (`voice_stt`), and the transcript goes on exactly as a typed message.
 * The answer streams back as NDJSON reply events, led by the transcript and, when the widget
 * speaks its answers (and `?speak=0` is not set), interleaved with the answer as speech.
 */
export async function POST(request: Request, { params }: { params: Promise<{ widgetId: string }> }) {
  const visitor = await authorizeVisitor(request, (await params).widgetId, messageRateLimits);
  if ('response' in visitor) return visitor.response;
  const media = widgetMedia(visitor.widget.settings);
  if (!media.voiceInput) return widgetError(403, 'feature_off', 'Voice messages are not turned on for this chat. Please type your question.');
  const stt = speechToTextConfig();
  if (!stt) return widgetError(503, 'unavailable', 'Voice messages are unavailable right now. Please type your question.');
  const mediaType = clipMediaType(request.headers.get('content-type'));
  if (!mediaType) return widgetError(415, 'unsupported_media', 'Voice messages must be WebM (Opus) or WAV audio.');
  const body = await readLimitedBody(request, CLIP_LIMITS.maxBytes);
  if (body === 'too_large') return widgetError(413, 'too_large', `Voice messages can be at most ${CLIP_LIMITS.maxSeconds} seconds.`);
  let clip;
  try {
    clip = inspectClip(body, mediaType);
  } catch (error) {
    if (error instanceof ClipRejectedError) return widgetError(error.status, error.code, error.message);
    throw error;
  }

  const { tenantId } = visitor.widget;
  const { sessionId } = visitor;
  const scope = widgetSpendScope(visitor);
  const gate = await withTenantId(tenantId, async (tx) => {
    await lockSessionForMedia(tx, tenantId, sessionId);
    const usage = await getSessionMediaUsage(tx, tenantId, sessionId);
    if (usage.clips >= media.voiceClipsPerSession) {
      return { response: widgetError(429, 'limit_reached', `This conversation has reached its limit of ${media.voiceClipsPerSession} voice messages. Please type your question.`) };
    }
    if (usage.secondsToday + clip.seconds > media.voiceSecondsPerDay) {
      return { response: widgetError(429, 'limit_reached', 'This conversation has used up today’s voice time. Please type your question.') };
    }
    const reservation = await reserveSpend(tx, scope, await estimateCost(tx, { service: 'voice_stt', model: stt.model, minutes: (clip.seconds / 60).toFixed(4) }));
    return 'refused' in reservation ? { refused: reservation.refused } : { refused: undefined, reservationId: reservation.reservationId };
  });
  if (gate.response) return gate.response;
  if (gate.refused) return spendRefusalResponse(tenantId, gate.refused);

  let transcript: Transcript;
  try {
    transcript = await transcribeFile(stt, clip);
  } catch (error) {
    await withTenantId(tenantId, (tx) => settleReservation(tx, tenantId, gate.reservationId));
    // The service refused this audio (it could not decode it): the visitor's problem, and not billed.
    if (error instanceof SpeechServiceError && error.status !== undefined && error.status >= 400 && error.status < 500 && error.status !== 429) {
      return widgetError(422, 'invalid', 'The recording could not be understood. Please try again, or type your question.');
    }
    console.error('Widget speech recognition failed', { tenantId, sessionId, error: error instanceof Error ? error.message : String(error) });
    return widgetError(502, 'unavailable', 'Speech recognition is unavailable right now. Please type your question.');
  }
  await withTenantId(tenantId, async (tx) => {
    await recordSpeechToTextCost(tx, { tenantId, sessionId, operation: 'widget voice message' }, transcript);
    await settleReservation(tx, tenantId, gate.reservationId);
  });
  const text = transcript.text.slice(0, WIDGET_LIMITS.messageMaxChars).trim();
  if (!text) return widgetError(422, 'no_speech', 'No speech was heard in that recording. Please try again, a little closer to the microphone.');

  const delivered = await deliverVisitorMessage(visitor, text, { voiceSeconds: Math.round(clip.seconds * 10) / 10 });
  if ('response' in delivered) return delivered.response;
  const tts = media.voiceReplies && new URL(request.url).searchParams.get('speak') !== '0' ? textToSpeechConfig() : undefined;
  const speech = tts && { config: media.voice ? { ...tts, voice: media.voice } : tts, scope };
  return new Response(spokenReply(delivered.reply, { transcript: text, speech }), { headers: REPLY_HEADERS });
}
