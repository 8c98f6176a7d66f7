import { getSessionMediaUsage, lockSessionForMedia, startImageExchange } from '@/db/queries/attachments';
import { getOpenHandoff } from '@/db/queries/handoffs';
import { getPersonalityForReply } from '@/db/queries/personalities';
import { withTenantId } from '@/db/withTenant';
import { FALLBACK_REPLY } from '@/lib/ai/engine';
import { encodeReplyEvent, type ReplyEvent } from '@/lib/chat/protocol';
import { reserveSpend, settleReservation } from '@/lib/costs/budget';
import { estimateCost } from '@/lib/costs/events';
import { finishReply } from '@/db/queries/conversations';
import { askAboutImage, type ImageAnswer, recordVisionCost, visionModel } from '@/lib/vision/ask';
import { spendRefusalResponse, widgetSpendScope } from '@/lib/widget/deliver';
import { cleanImage, IMAGE_LIMITS, ImageRejectedError } from '@/lib/widget/media/image';
import { readLimitedBody } from '@/lib/read-body';
import { widgetMedia } from '@/lib/widget/media/settings';
import { authorizeVisitor, messageRateLimits, REPLY_HEADERS, WIDGET_LIMITS, widgetError } from '@/lib/widget/public-api';

export const dynamic = 'force-dynamic';

/** Room for the form's boundaries and the question beside the image. */
const FORM_OVERHEAD_BYTES = 16 * 1024;
const DECLARED_IMAGE_TYPES = new Set(['image/png', 'image/jpeg', 'image/webp']);
/** What the assistant is asked when the visitor sends a picture without a question. */
export const DEFAULT_IMAGE_QUESTION = 'What does this image show, and how can you help me with it?';

/**
 * A visitor's image (multipart/form-data: `image`, and an optional `content` question). The
 * image is checked (type from its bytes, at most 5 MB and 4096 px a side) and re-encoded so no
 * metadata survives, before anything is stored or billed; then the conversation's image limit
 * and the spend limits. The visitor's message (with the image, in the tenant's scope) and an
 * empty reply are stored before the vision model is called; the answer (`vision` cost) streams
 * back as NDJSON reply events and is stored even if the visitor leaves.
 */
export async function POST(request: Request, { params }: { params: Promise<{ widgetId: string }> }) {
  const visitor = await authorizeVisitor(request, (await params).widgetId, messageRateLimits);
  if ('response' in visitor) return visitor.response;
  const media = widgetMedia(visitor.widget.settings);
  if (!media.images) return widgetError(403, 'feature_off', 'Images are not turned on for this chat.');
  const model = visionModel();
  if (!model) return widgetError(503, 'unavailable', 'Images cannot be looked at right now. Please describe it in words.');
  const contentType = request.headers.get('content-type') ?? '';
  if (!contentType.toLowerCase().startsWith('multipart/form-data')) return widgetError(415, 'unsupported_media', 'Send the image as multipart/form-data.');
  const body = await readLimitedBody(request, IMAGE_LIMITS.maxBytes + FORM_OVERHEAD_BYTES);
  if (body === 'too_large') return widgetError(413, 'too_large', 'Images can be at most 5 MB.');
  let form: FormData;
  try {
    form = await new Response(new Blob([body as Uint8Array<ArrayBuffer>]), { headers: { 'content-type': contentType } }).formData();
  } catch {
    return widgetError(400, 'invalid', 'The upload could not be read.');
  }
  const file = form.get('image');
  if (!(file instanceof Blob)) return widgetError(400, 'invalid', 'Attach an image.');
  if (!DECLARED_IMAGE_TYPES.has(file.type)) return widgetError(415, 'unsupported_media', 'Images must be PNG, JPEG or WebP.');
  const question = String(form.get('content') ?? '').trim();
  if (question.length > WIDGET_LIMITS.messageMaxChars) return widgetError(400, 'invalid', `Messages can be at most ${WIDGET_LIMITS.messageMaxChars} characters.`);
  let image;
  try {
    image = await cleanImage(new Uint8Array(await file.arrayBuffer()));
  } catch (error) {
    if (error instanceof ImageRejectedError) return widgetError(error.status, error.code, error.message);
    throw error;
  }

  const { tenantId } = visitor.widget;
  const { sessionId, session } = visitor;
  const scope = widgetSpendScope(visitor);
  const gate = await withTenantId(tenantId, async (tx) => {
    await lockSessionForMedia(tx, tenantId, sessionId);
    if ((await getSessionMediaUsage(tx, tenantId, sessionId)).images >= media.imagesPerSession) {
      return { response: widgetError(429, 'limit_reached', `This conversation has reached its limit of ${media.imagesPerSession} images.`) };
    }
    // The team reads in the inbox, where images are not shown: while a person has the conversation, words only.
    if (await getOpenHandoff(tx, tenantId, sessionId)) return { response: widgetError(409, 'conflict', 'A person is handling this conversation: please describe the image in words.') };
    const reservation = await reserveSpend(tx, scope, await estimateCost(tx, { service: 'vision', model: model.id, images: 1 }));
    if ('refused' in reservation) return { refused: reservation.refused };
    const personality = await getPersonalityForReply(tx, tenantId, session.personalityId);
    const exchange = await startImageExchange(tx, { tenantId, sessionId, content: question || DEFAULT_IMAGE_QUESTION, image });
    return { refused: undefined, reservationId: reservation.reservationId, exchange, personality };
  });
  if (gate.response) return gate.response;
  if (gate.refused) return spendRefusalResponse(tenantId, gate.refused);

  const { exchange, personality, reservationId } = gate;
  const started = performance.now();
  const encoder = new TextEncoder();
  let reader: ReadableStreamDefaultController<Uint8Array> | undefined;
  const emit = (event: ReplyEvent) => {
    try {
      reader?.enqueue(encoder.encode(encodeReplyEvent(event)));
    } catch {
      reader = undefined; // the visitor left; the answer is still stored below
    }
  };
  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      reader = controller;
    },
    cancel() {
      reader = undefined;
    },
  });
  emit({ type: 'start', sessionId, userMessageId: exchange.question.id, messageId: exchange.reply.id, mode: 'model', linkOrigins: [] });
  void (async () => {
    let answer: ImageAnswer | undefined;
    let failure: string | undefined;
    try {
      answer = await askAboutImage({
        image: image.bytes,
        mediaType: image.mediaType,
        question: question || DEFAULT_IMAGE_QUESTION,
        instructions: personality?.systemPrompt,
        maxOutputTokens: personality?.maxTokens,
      }, undefined, model);
      if (!answer.text) throw new Error('The vision model returned no text.');
    } catch (error) {
      failure = error instanceof Error ? error.message.slice(0, 500) : String(error);
      console.error('Widget image answer failed', { tenantId, sessionId, error: failure });
    }
    const content = answer?.text ?? FALLBACK_REPLY;
    const latencyMs = Math.round(performance.now() - started);
    await withTenantId(tenantId, async (tx) => {
      const cost = answer ? await recordVisionCost(tx, { tenantId, sessionId, operation: 'widget image question' }, answer) : undefined;
      await settleReservation(tx, tenantId, reservationId);
      await finishReply(tx, tenantId, {
        id: exchange.reply.id,
        sessionId,
        content,
        status: answer ? 'complete' : 'failed',
        // About the picture, not the knowledge: neither grounded nor a gap in the knowledge.
        answerStatus: null,
        sources: [],
        metadata: {
          answerMode: 'model',
          provider: model.provider,
          model: model.id,
          inputTokens: answer?.inputTokens,
          outputTokens: answer?.outputTokens,
          costUsd: cost?.costUsd,
          latencyMs,
          error: failure,
        },
      });
    });
    emit({ type: 'sources', sources: [] });
    emit({ type: 'text', delta: content });
    emit({ type: 'done', messageId: exchange.reply.id, status: answer ? 'complete' : 'failed', content, mode: 'model', latencyMs, error: answer ? undefined : 'The assistant could not answer.' });
  })()
    .catch((error: unknown) => console.error('Could not store an image answer', { replyId: exchange.reply.id, error: error instanceof Error ? error.message : String(error) }))
    .finally(() => {
      try {
        reader?.close();
      } catch {
        /* already closed */
      }
    });
  return new Response(stream, { headers: REPLY_HEADERS });
}
