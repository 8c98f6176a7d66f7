import { readFileSync } from 'node:fs';
import { and, eq } from 'drizzle-orm';
import sharp from 'sharp';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { POST as sendImage } from '@/app/api/widget/[widgetId]/images/route';
import { GET as getHistory } from '@/app/api/widget/[widgetId]/messages/route';
import { POST as startSession } from '@/app/api/widget/[widgetId]/sessions/route';
import { POST as sendVoice } from '@/app/api/widget/[widgetId]/voice/route';
import type { Database } from '@/db/client';
import { aiPersonalities, costEvents, messageAttachments, messages, tenants, widgets, type WidgetSettings } from '@/db/schema';
import { type ReplyEvent, readReplyEvents } from '@/lib/chat/protocol';
import { attachmentResponse } from '@/lib/conversations/attachment-response';
import { findPrice } from '@/lib/costs/prices';
import { textToSpeechConfig } from '@/lib/voice/config';
import { speakableText } from '@/lib/voice/speakable';
import { synthesize } from '@/lib/voice/tts';
import { decodeWav } from '@/lib/voice/wav';
import { readWebmAudio } from '@/lib/voice/webm';
import type { StartedSession, VisitorHistory } from '@/lib/widget/client/types';
import { FIRST_PIECE_CHARACTERS, nextSpeakablePiece } from '@/lib/widget/media/spoken-reply';
import { expectedCost } from '../costs/helpers';
import { type OpenAiTestServer, startOpenAiServer } from '../helpers/openai-server';
import { buildWebm } from '../helpers/webm';
import { APP, createWidgetFixture, HOST_ORIGIN, routeParams } from '../helpers/widget';

// Voice messages and images in the widget, against a local OpenAI-compatible server with the
// audio and vision endpoints. Every bad input is a 4xx with nothing stored and nothing billed.

const QUESTION = 'How many days do I have to return an item?';
const ANSWER = 'You can return any unused item within 30 days of delivery [1]. We refund the full price to your card within five working days.';
const IMAGE_ANSWER = 'The screenshot shows an error dialog saying the payment was declined.';
const questionWav = readFileSync(new URL('../fixtures/audio/question.wav', import.meta.url));
// What Chromium's MediaRecorder (Opus in WebM, 32 kbit/s, 250 ms slices) wrote for 2.5 s of its
// fake microphone playing tests/fixtures/audio/free-trial.wav: a live recording, as visitors send it.
const chromiumRecording = readFileSync(new URL('../fixtures/audio/free-trial.webm', import.meta.url));

describe('widget voice and images', () => {
  let server: OpenAiTestServer;
  let db: Database;
  let closeDatabase: () => Promise<void>;
  let fixture: Awaited<ReturnType<typeof createWidgetFixture>>;
  let heard = QUESTION;

  beforeAll(async () => {
    server = await startOpenAiServer({
      transcribe: () => heard,
      answer: ({ messages }) => {
        const last = messages.at(-1)?.content as unknown;
        const text = Array.isArray(last) ? IMAGE_ANSWER : ANSWER;
        return { text, promptTokens: 900, completionTokens: 30 };
      },
    });
    // Read once by getEnv(), which caches: set before anything touches the environment.
    process.env.OPENAI_API_KEY = 'test-key';
    process.env.OPENAI_BASE_URL = server.baseURL;
    process.env.TTS_VOICE = 'alloy';
    const client = await import('@/db/client');
    ({ db } = await client.getDatabase());
    closeDatabase = client.closeDatabase;
    fixture = await createWidgetFixture(db);
    await db.update(aiPersonalities).set({ preferredModel: 'gpt-4o-mini' }).where(eq(aiPersonalities.tenantId, fixture.tenantId));
  });
  afterAll(async () => {
    await server.close();
    await closeDatabase();
  });

  const baseSettings: WidgetSettings = { theme: 'light', position: 'bottom-right', voiceInput: true, voiceReplies: true, voice: 'nova', imageAttachments: true };
  async function configure(settings: Partial<WidgetSettings> = {}) {
    await db.update(widgets).set({ settings: { ...baseSettings, ...settings } }).where(eq(widgets.id, fixture.widget.id));
  }
  beforeEach(async () => {
    heard = QUESTION;
    server.requests.length = 0;
    await configure();
  });

  const start = async () => {
    const response = await startSession(new Request(`${APP}/api/widget/${fixture.widget.id}/sessions`, { method: 'POST', headers: { 'sec-fetch-site': 'same-origin', 'content-type': 'application/json' }, body: JSON.stringify({ hostOrigin: HOST_ORIGIN }) }), routeParams(fixture.widget.id));
    return (await response.json()) as StartedSession;
  };

  const voice = (token: string, body: Uint8Array, contentType = 'audio/webm;codecs=opus', query = '') =>
    sendVoice(
      new Request(`${APP}/api/widget/${fixture.widget.id}/voice${query}`, {
        method: 'POST',
        headers: { 'sec-fetch-site': 'same-origin', authorization: `Bearer ${token}`, 'content-type': contentType },
        body: new Uint8Array(body),
      }),
      routeParams(fixture.widget.id),
    );

  const image = (token: string, bytes: Uint8Array, options: { type?: string; name?: string; content?: string } = {}) => {
    const form = new FormData();
    form.set('image', new Blob([new Uint8Array(bytes)], { type: options.type ?? 'image/png' }), options.name ?? 'screenshot.png');
    if (options.content !== undefined) form.set('content', options.content);
    return sendImage(
      new Request(`${APP}/api/widget/${fixture.widget.id}/images`, { method: 'POST', headers: { 'sec-fetch-site': 'same-origin', authorization: `Bearer ${token}` }, body: form }),
      routeParams(fixture.widget.id),
    );
  };

  async function readAll(response: Response) {
    const events: ReplyEvent[] = [];
    for await (const event of readReplyEvents(response.body!)) events.push(event);
    return events;
  }

  /** What the session holds: messages, attachments and cost events. */
  async function stored(sessionId: string) {
    return {
      messages: await db.select().from(messages).where(eq(messages.sessionId, sessionId)).orderBy(messages.createdAt),
      attachments: await db.select().from(messageAttachments).where(eq(messageAttachments.sessionId, sessionId)),
      costs: await db.select().from(costEvents).where(eq(costEvents.sessionId, sessionId)).orderBy(costEvents.service, costEvents.occurredAt),
    };
  }

  async function expectRefusedAndNothingKept(response: Response, status: number, code: string, sessionId: string) {
    expect(response.status).toBe(status);
    const body = (await response.json()) as { error: string; code: string };
    expect(body.code).toBe(code);
    expect(body.error.length).toBeGreaterThan(10);
    const after = await stored(sessionId);
    expect(after.messages).toEqual([]);
    expect(after.attachments).toEqual([]);
    expect(after.costs).toEqual([]);
  }

  describe('voice messages', () => {
    it('transcribes a clip, answers it like a typed question, speaks the answer as it streams, and bills every second and character', async () => {
      const { token, sessionId } = await start();
      const response = await voice(token, buildWebm({ seconds: 3.2 }));
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toContain('application/x-ndjson');
      const events = await readAll(response);
      expect(events[0]).toEqual({ type: 'transcript', text: QUESTION });
      const done = events.find((event) => event.type === 'done');
      expect(done).toMatchObject({ status: 'complete', content: ANSWER });
      // Visitors never see models or costs.
      expect(JSON.stringify(events)).not.toMatch(/gpt-4o|costUsd|inputTokens/);
      const audio = events.filter((event) => event.type === 'audio');
      // Spoken in two pieces: the first sentence as soon as it was complete, then the rest.
      expect(audio).toHaveLength(2);
      expect(events.findIndex((event) => event.type === 'audio')).toBeGreaterThan(events.findIndex((event) => event.type === 'start'));
      for (const piece of audio) expect(decodeWav(Buffer.from(piece.type === 'audio' ? piece.data : '', 'base64')).samples.length).toBeGreaterThan(0);

      // Request shapes: the clip as it was recorded, the widget's voice, speakable text.
      const transcription = server.requests.find((request) => request.path === '/v1/audio/transcriptions')!;
      expect(transcription.body).toMatchObject({ model: 'whisper-1', response_format: 'verbose_json' });
      expect(transcription.audio!.subarray(0, 4).toString('hex')).toBe('1a45dfa3');
      const speech = server.requests.filter((request) => request.path === '/v1/audio/speech').map((request) => request.body);
      expect(speech).toEqual([
        { model: 'tts-1', voice: 'nova', response_format: 'wav', input: 'You can return any unused item within 30 days of delivery.' },
        { model: 'tts-1', voice: 'nova', response_format: 'wav', input: speakableText('We refund the full price to your card within five working days.') },
      ]);

      const { messages: rows, costs } = await stored(sessionId);
      expect(rows.map((row) => [row.role, row.content, row.metadata.voiceSeconds])).toEqual([
        ['user', QUESTION, 3.2],
        ['assistant', ANSWER, undefined],
      ]);
      const stt = findPrice('voice_stt', 'whisper-1')!;
      const tts = findPrice('voice_tts', 'tts-1')!;
      const characters = speech.reduce((sum, body) => sum + String(body.input).length, 0);
      expect(costs.map((cost) => [cost.service, cost.model, cost.unit])).toEqual([
        ['llm', 'gpt-4o-mini', 'tokens'],
        ['voice_stt', 'whisper-1', 'minutes'],
        ['voice_tts', 'tts-1', 'characters'],
        ['voice_tts', 'tts-1', 'characters'],
      ]);
      expect(costs[1]!.costUsd).toBe(expectedCost([[(3.2 / 60).toFixed(4), stt.perMinute]]));
      expect(costs.slice(2).reduce((sum, cost) => sum + Number(cost.units), 0)).toBe(characters);
      expect(costs[2]!.costUsd).toBe(expectedCost([[String(costs[2]!.units), tts.perMillionCharacters]], 1_000_000n));
    });

    it('accepts a 16-bit PCM WAV clip (browsers that cannot record Opus), and answers without speech when the visitor muted it', async () => {
      const { token, sessionId } = await start();
      const events = await readAll(await voice(token, questionWav, 'audio/wav', '?speak=0'));
      expect(events[0]).toEqual({ type: 'transcript', text: QUESTION });
      expect(events.some((event) => event.type === 'audio')).toBe(false);
      const { costs, messages: rows } = await stored(sessionId);
      expect(costs.map((cost) => cost.service)).toEqual(['llm', 'voice_stt']);
      expect(rows[0]!.metadata.voiceSeconds).toBeCloseTo(decodeWav(questionWav).samples.length / decodeWav(questionWav).sampleRate, 1);
      // After a reload the visitor's history still marks the question as spoken.
      const history = (await (await getHistory(new Request(`${APP}/api/widget/${fixture.widget.id}/messages`, { headers: { 'sec-fetch-site': 'same-origin', authorization: `Bearer ${token}` } }), routeParams(fixture.widget.id))).json()) as VisitorHistory;
      expect(history.messages.map((message) => [message.role, message.spoken])).toEqual([
        ['user', true],
        ['assistant', undefined],
      ]);
    });

    it('reads a real browser recording: its length from the blocks, even when the last block is cut off', () => {
      expect(readWebmAudio(chromiumRecording)).toMatchObject({ codec: 'A_OPUS' });
      expect(readWebmAudio(chromiumRecording).seconds).toBeGreaterThan(2.2);
      expect(readWebmAudio(chromiumRecording).seconds).toBeLessThan(2.7);
      expect(readWebmAudio(chromiumRecording.subarray(0, chromiumRecording.length - 50)).seconds).toBeGreaterThan(2.1);
    });

    it('accepts a real browser recording and bills its length', async () => {
      const { token, sessionId } = await start();
      const events = await readAll(await voice(token, chromiumRecording, 'audio/webm;codecs=opus', '?speak=0'));
      expect(events[0]).toEqual({ type: 'transcript', text: QUESTION });
      const { costs } = await stored(sessionId);
      expect(Number(costs.find((cost) => cost.service === 'voice_stt')!.units) * 60).toBeCloseTo(readWebmAudio(chromiumRecording).seconds, 1);
    });

    it('retries the speech service once after a server error', async () => {
      const { token } = await start();
      server.failNext(503);
      const events = await readAll(await voice(token, buildWebm({ seconds: 1 }), 'audio/webm', '?speak=0'));
      expect(events[0]).toEqual({ type: 'transcript', text: QUESTION });
      expect(server.requests.filter((request) => request.path === '/v1/audio/transcriptions')).toHaveLength(2);
    });

    it('retries speech synthesis once after a rate limit, and gives up on a refusal', async () => {
      const config = textToSpeechConfig()!;
      server.failNext(429);
      const speech = await synthesize(config, 'Returns are free.');
      expect(speech).toMatchObject({ characters: 'Returns are free.'.length, model: 'tts-1' });
      expect(server.requests.filter((request) => request.path === '/v1/audio/speech')).toHaveLength(2);
      server.failNext(400);
      await expect(synthesize(config, 'Returns are free.')).rejects.toThrow(/HTTP 400/);
      expect(server.requests.filter((request) => request.path === '/v1/audio/speech')).toHaveLength(3);
    });

    it('refuses a wrong content type (415), with nothing stored or billed', async () => {
      const { token, sessionId } = await start();
      await expectRefusedAndNothingKept(await voice(token, buildWebm({ seconds: 1 }), 'text/plain'), 415, 'unsupported_media', sessionId);
      await expectRefusedAndNothingKept(await voice(token, buildWebm({ seconds: 1 }), 'audio/mpeg'), 415, 'unsupported_media', sessionId);
      expect(server.requests).toEqual([]);
    });

    it('refuses an oversized clip while it streams in (413), with nothing stored or billed', async () => {
      const { token, sessionId } = await start();
      await expectRefusedAndNothingKept(await voice(token, new Uint8Array(2 * 1024 * 1024 + 1)), 413, 'too_large', sessionId);
      expect(server.requests).toEqual([]);
    });

    it('refuses a clip over 60 seconds, measured from the file (422), with nothing stored or billed', async () => {
      const { token, sessionId } = await start();
      await expectRefusedAndNothingKept(await voice(token, buildWebm({ seconds: 75 })), 422, 'invalid', sessionId);
      expect(server.requests).toEqual([]);
    });

    it('refuses corrupt audio (422): noise, a truncated header, another codec, WAV bytes labelled WebM', async () => {
      const { token, sessionId } = await start();
      const noise = Uint8Array.from({ length: 4000 }, (_, i) => (i * 7919) & 0xff);
      for (const [bytes, type] of [
        [noise, 'audio/webm'],
        [buildWebm({ seconds: 2 }).subarray(0, 30), 'audio/webm'],
        [buildWebm({ seconds: 2, codec: 'A_VORBIS' }), 'audio/webm'],
        [buildWebm({ seconds: 2, docType: 'matroska' }), 'audio/webm'],
        [questionWav, 'audio/webm'],
        [noise, 'audio/wav'],
      ] as const) {
        await expectRefusedAndNothingKept(await voice(token, bytes, type), 422, 'invalid', sessionId);
      }
      expect(server.requests).toEqual([]);
    });

    it('refuses audio the speech service cannot decode (422) without billing it', async () => {
      const { token, sessionId } = await start();
      server.failNext(400);
      await expectRefusedAndNothingKept(await voice(token, buildWebm({ seconds: 1 })), 422, 'invalid', sessionId);
    });

    it('refuses voice when the widget has it off (403)', async () => {
      await configure({ voiceInput: false });
      const { token, sessionId } = await start();
      await expectRefusedAndNothingKept(await voice(token, buildWebm({ seconds: 1 })), 403, 'feature_off', sessionId);
    });

    it('holds each conversation to its clips and its seconds per day (429), billing nothing over the limit', async () => {
      await configure({ voiceClipsPerSession: 1, voiceReplies: false });
      const first = await start();
      expect((await voice(first.token, buildWebm({ seconds: 1 }))).status).toBe(200);
      const kept = await stored(first.sessionId);
      const refused = await voice(first.token, buildWebm({ seconds: 1 }));
      expect(refused.status).toBe(429);
      expect((await refused.json()).code).toBe('limit_reached');
      expect(await stored(first.sessionId)).toEqual(kept);

      await configure({ voiceSecondsPerDay: 10, voiceReplies: false });
      const second = await start();
      expect((await voice(second.token, buildWebm({ seconds: 6 }))).status).toBe(200);
      const before = await stored(second.sessionId);
      const over = await voice(second.token, buildWebm({ seconds: 5 }));
      expect(over.status).toBe(429);
      expect(await stored(second.sessionId)).toEqual(before);
    });

    it('is refused at the spend cap before the speech service hears anything (503)', async () => {
      const { token, sessionId } = await start();
      await db.update(tenants).set({ monthlySpendCapUsd: '0.01' }).where(eq(tenants.id, fixture.tenantId));
      await db.insert(costEvents).values({ tenantId: fixture.tenantId, service: 'llm', provider: 'openai', costUsd: '0.01000000', priceVersion: 'test' });
      try {
        await expectRefusedAndNothingKept(await voice(token, buildWebm({ seconds: 1 })), 503, 'unavailable', sessionId);
        expect(server.requests).toEqual([]);
      } finally {
        await db.update(tenants).set({ monthlySpendCapUsd: null }).where(eq(tenants.id, fixture.tenantId));
      }
    });

    it('says so when no speech was heard (the recognition is billed: the service did the work)', async () => {
      heard = '';
      const { token, sessionId } = await start();
      const response = await voice(token, buildWebm({ seconds: 1 }));
      expect(response.status).toBe(422);
      expect((await response.json()).code).toBe('no_speech');
      const { messages: rows, costs } = await stored(sessionId);
      expect(rows).toEqual([]);
      expect(costs.map((cost) => cost.service)).toEqual(['voice_stt']);
    });
  });

  describe('images', () => {
    const png = (width: number, height: number) => sharp({ create: { width, height, channels: 3, background: '#336699' } }).png().toBuffer();

    it('answers about an image with the vision model, stores it re-encoded without metadata in the tenant scope, and bills one image', async () => {
      const { token, sessionId } = await start();
      // A photo carrying EXIF (a GPS-like comment and a copyright) that must not survive.
      const photo = await sharp({ create: { width: 640, height: 480, channels: 3, background: '#884422' } })
        .jpeg()
        .withExif({ IFD0: { Copyright: 'SECRET-OWNER', ImageDescription: 'GPS 48.8584 N 2.2945 E' } })
        .toBuffer();
      expect(photo.includes('SECRET-OWNER')).toBe(true);
      const response = await image(token, photo, { type: 'image/jpeg', name: 'photo.jpg', content: 'Why did my payment fail?' });
      expect(response.status).toBe(200);
      const events = await readAll(response);
      expect(events.find((event) => event.type === 'done')).toMatchObject({ status: 'complete', content: IMAGE_ANSWER });

      const visionCall = server.requests.find((request) => request.path === '/v1/chat/completions')!;
      const parts = (visionCall.body.messages as Array<{ role: string; content: unknown }>).at(-1)!.content as Array<{ type: string; text?: string; image_url?: { url: string } }>;
      expect(parts.find((part) => part.type === 'text')?.text).toBe('Why did my payment fail?');
      const sent = parts.find((part) => part.type === 'image_url')!.image_url!.url;
      expect(sent).toMatch(/^data:image\/jpeg;base64,/);
      expect(Buffer.from(sent.split(',')[1]!, 'base64').includes('SECRET-OWNER')).toBe(false);

      const { messages: rows, attachments, costs } = await stored(sessionId);
      expect(rows.map((row) => [row.role, row.content])).toEqual([
        ['user', 'Why did my payment fail?'],
        ['assistant', IMAGE_ANSWER],
      ]);
      expect(attachments).toHaveLength(1);
      const [attachment] = attachments;
      expect(attachment).toMatchObject({ tenantId: fixture.tenantId, messageId: rows[0]!.id, mediaType: 'image/jpeg', width: 640, height: 480 });
      expect(attachment!.bytes.includes('SECRET-OWNER')).toBe(false);
      expect(attachment!.bytes.includes('GPS 48')).toBe(false);
      expect((await sharp(attachment!.bytes).metadata()).exif).toBeUndefined();
      expect(rows[0]!.attachments).toEqual([
        { type: 'image', id: attachment!.id, url: `/dashboard/conversations/attachments/${attachment!.id}`, mediaType: 'image/jpeg', size: attachment!.byteSize, width: 640, height: 480 },
      ]);
      expect(costs.map((cost) => [cost.service, cost.model, cost.units])).toEqual([['vision', 'gpt-4o-mini', '1.0000']]);
      expect(costs[0]!.costUsd).toBe(expectedCost([['1', findPrice('vision', 'gpt-4o-mini')!.perImage]]));
      expect(rows[1]!.metadata.costUsd).toBe(costs[0]!.costUsd);

      // Members read it through the authenticated route; nobody else does.
      const served = await attachmentResponse({ userId: fixture.team.users.member, tenantId: fixture.tenantId }, attachment!.id);
      expect(served.status).toBe(200);
      expect(served.headers.get('content-type')).toBe('image/jpeg');
      expect(served.headers.get('x-content-type-options')).toBe('nosniff');
      expect(Buffer.from(await served.arrayBuffer()).equals(attachment!.bytes)).toBe(true);
      expect((await attachmentResponse(null, attachment!.id)).status).toBe(401);
      const other = await createWidgetFixture(db);
      expect((await attachmentResponse({ userId: other.team.users.owner, tenantId: other.tenantId }, attachment!.id)).status).toBe(404);
      expect((await attachmentResponse({ userId: other.team.users.owner, tenantId: fixture.tenantId }, attachment!.id)).status).toBe(403);
    });

    it('refuses a non-image named and typed as a PNG (415), with nothing stored or billed', async () => {
      const { token, sessionId } = await start();
      await expectRefusedAndNothingKept(await image(token, new TextEncoder().encode('<svg onload="alert(1)"></svg>'.repeat(10))), 415, 'unsupported_media', sessionId);
      await expectRefusedAndNothingKept(await image(token, await png(10, 10), { type: 'image/gif', name: 'x.gif' }), 415, 'unsupported_media', sessionId);
      expect(server.requests).toEqual([]);
    });

    it('refuses an image bomb: huge dimensions in a tiny file (422), before decoding it', async () => {
      const { token, sessionId } = await start();
      // A real PNG's header, rewritten to claim 30,000 × 30,000 pixels (the file stays 100 bytes or so).
      const bomb = Buffer.from(await png(8, 8));
      bomb.writeUInt32BE(30_000, 16);
      bomb.writeUInt32BE(30_000, 20);
      expect(bomb.length).toBeLessThan(200);
      await expectRefusedAndNothingKept(await image(token, bomb), 422, 'invalid', sessionId);
      await expectRefusedAndNothingKept(await image(token, await png(4097, 10)), 422, 'invalid', sessionId);
      expect(server.requests).toEqual([]);
    });

    it('refuses a corrupt image and an image over 5 MB, with nothing stored or billed', async () => {
      const { token, sessionId } = await start();
      const truncated = (await png(300, 300)).subarray(0, 60);
      await expectRefusedAndNothingKept(await image(token, truncated), 422, 'invalid', sessionId);
      const huge = Buffer.concat([await png(10, 10), Buffer.alloc(5 * 1024 * 1024)]);
      await expectRefusedAndNothingKept(await image(token, huge), 413, 'too_large', sessionId);
    });

    it('holds each conversation to its images (429) and refuses when images are off (403)', async () => {
      await configure({ imagesPerSession: 1 });
      const { token, sessionId } = await start();
      await readAll(await image(token, await png(20, 20)));
      const kept = await stored(sessionId);
      const refused = await image(token, await png(20, 20));
      expect(refused.status).toBe(429);
      expect((await refused.json()).code).toBe('limit_reached');
      expect(await stored(sessionId)).toEqual(kept);

      await configure({ imageAttachments: false });
      const fresh = await start();
      await expectRefusedAndNothingKept(await image(fresh.token, await png(20, 20)), 403, 'feature_off', fresh.sessionId);
    });

    it('deletes the images with their conversation', async () => {
      const { token, sessionId } = await start();
      await readAll(await image(token, await png(20, 20)));
      expect((await stored(sessionId)).attachments).toHaveLength(1);
      const { sessions } = await import('@/db/schema');
      await db.delete(sessions).where(and(eq(sessions.tenantId, fixture.tenantId), eq(sessions.id, sessionId)));
      expect((await stored(sessionId)).attachments).toEqual([]);
    });
  });

  describe('speaking an answer as it streams', () => {
    it('waits for a complete first sentence, then gathers later sentences into longer pieces', () => {
      expect(nextSpeakablePiece('Returns are accepted', true)).toBeUndefined();
      expect(nextSpeakablePiece('Yes. Returns are', true)).toBeUndefined();
      const first = nextSpeakablePiece('Returns are accepted within 30 days. Refunds take', true)!;
      expect(first.piece.trim()).toBe('Returns are accepted within 30 days.');
      expect(first.piece.length).toBeGreaterThanOrEqual(FIRST_PIECE_CHARACTERS);
      expect(nextSpeakablePiece(' Refunds take five days. Shipping is free.', false)).toBeUndefined();
      expect(nextSpeakablePiece(' Refunds take five days.', false, true)).toEqual({ piece: ' Refunds take five days.', rest: '' });
      const long = `${'A sentence of words. '.repeat(12)}Tail`;
      const later = nextSpeakablePiece(long, false)!;
      expect(later.piece.length).toBeLessThanOrEqual(200);
      expect(later.piece.endsWith('. ')).toBe(true);
      expect(later.piece + later.rest).toBe(long);
    });
  });
});
