// `npm run bench -- voice`: the widget's voice path through the real route handler (called in
// process), on embedded PGlite in memory, against the local OpenAI-compatible server
// (tests/helpers/openai-server.ts: speech to text, chat and speech answer at once, so what is
// measured is our work around the model: checks, limits, reservations, storage, the engine's
// retrieval, sentence splitting, WAV encoding). Run in its own process by bench/run.ts: the
// model server must be configured before anything reads the environment.
import { performance } from 'node:perf_hooks';
import { gzipSync } from 'node:zlib';
import { eq } from 'drizzle-orm';
import { POST as startSession } from '../app/api/widget/[widgetId]/sessions/route';
import { POST as sendVoice } from '../app/api/widget/[widgetId]/voice/route';
import { aiPersonalities, widgets } from '../db/schema';
import { readReplyEvents } from '../lib/chat/protocol';
import { buildWidgetBundles } from '../lib/widget/build';
import type { StartedSession } from '../lib/widget/client/types';
import { startOpenAiServer } from '../tests/helpers/openai-server';
import { buildWebm } from '../tests/helpers/webm';

const ANSWER = 'Yes, every plan starts with a free trial of 14 days [1]. You do not need a card to start it, and you can cancel at any time from the billing page.';
const CLIP_SECONDS = 3;
const ITERATIONS = 40;
const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
const summary = (label: string, samples: number[]) => {
  const sorted = [...samples].sort((a, b) => a - b);
  console.log(`${label.padEnd(52)} p50 ${percentile(sorted, 50).toFixed(1).padStart(7)} ms   p95 ${percentile(sorted, 95).toFixed(1).padStart(7)} ms`);
  return percentile(sorted, 50);
};

const server = await startOpenAiServer({ transcribe: () => 'Is there a free trial?' });
server.scriptChat({ text: ANSWER, promptTokens: 900, completionTokens: 40 });
process.env.PGLITE_DATA_DIR = 'memory://';
process.env.DATABASE_URL = '';
process.env.AUTH_SECRET ??= 'bench-only-secret-bench-only-secret-bench-only';
process.env.OPENAI_API_KEY = 'bench-key';
process.env.OPENAI_BASE_URL = server.baseURL;
const { getDatabase, closeDatabase } = await import('../db/client');
const { createWidgetFixture, frameRequest, HOST_ORIGIN, routeParams } = await import('../tests/helpers/widget');

try {
  const { db } = await getDatabase();
  const fixture = await createWidgetFixture(db);
  const widgetId = fixture.widget.id;
  await db.update(aiPersonalities).set({ preferredModel: 'gpt-4o-mini' }).where(eq(aiPersonalities.tenantId, fixture.tenantId));
  await db
    .update(widgets)
    .set({ settings: { theme: 'light', position: 'bottom-right', voiceInput: true, voiceReplies: true, voiceClipsPerSession: 500 } })
    .where(eq(widgets.id, widgetId));
  const clip = buildWebm({ seconds: CLIP_SECONDS });

  console.log(`\n## Widget voice: end of a ${CLIP_SECONDS} s clip to the reply (local model server answering at once; ${ITERATIONS} clips)`);
  const firstAudio: number[] = [];
  const transcript: number[] = [];
  const firstText: number[] = [];
  const done: number[] = [];
  for (let i = 0; i < ITERATIONS + 5; i++) {
    const ip = `198.51.100.${(i % 200) + 1}`;
    const started = await startSession(frameRequest(`/api/widget/${widgetId}/sessions`, { body: { hostOrigin: HOST_ORIGIN }, ip }), routeParams(widgetId));
    const { token } = (await started.json()) as StartedSession;
    // The clip is complete and in memory: the moment the visitor let go of the button (upload time on a real network is extra).
    const t0 = performance.now();
    const response = await sendVoice(
      new Request(`http://app.bench/api/widget/${widgetId}/voice`, {
        method: 'POST',
        headers: { 'sec-fetch-site': 'same-origin', authorization: `Bearer ${token}`, 'content-type': 'audio/webm;codecs=opus', 'x-client-address': ip },
        body: new Uint8Array(clip),
      }),
      routeParams(widgetId),
    );
    if (response.status !== 200) throw new Error(`voice refused: ${response.status} ${await response.text()}`);
    const marks: Record<string, number> = {};
    for await (const event of readReplyEvents(response.body!)) marks[event.type] ??= performance.now() - t0;
    if (i < 5) continue; // warm-up
    transcript.push(marks.transcript!);
    firstText.push(marks.text!);
    done.push(marks.done!);
    firstAudio.push(marks.audio!);
  }
  summary('transcript event (checks, STT, cost recorded)', transcript);
  summary('first answer text', firstText);
  summary('answer text complete (done)', done);
  const audioP50 = summary('first reply audio byte (first sentence spoken)', firstAudio);
  console.log(`goal: p50 < 800 ms excluding model time: ${audioP50 < 800 ? 'met' : 'NOT met'} (${audioP50.toFixed(0)} ms)`);

  console.log('\n## Widget frame bundle with and without voice and images (gzipped)');
  const bundles = await buildWidgetBundles({ write: false });
  const frame = gzipSync(bundles.frame).length;
  const media = gzipSync(bundles.media).length;
  console.log(`loader                ${String(gzipSync(bundles.loader).length).padStart(6)} bytes (budget 3072)`);
  console.log(`frame, voice unused   ${String(frame).padStart(6)} bytes`);
  console.log(`frame + voice/images  ${String(frame + media).padStart(6)} bytes (+${media} bytes, ${((media / frame) * 100).toFixed(0)}% more, loaded on first use)`);
} finally {
  await closeDatabase();
  await server.close();
}
