import { readFileSync } from 'node:fs';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeDatabase, type Database, getDatabase } from '@/db/client';
import { costEvents, meetings, messages, sessions, tenants } from '@/db/schema';
import { withTenantId } from '@/db/withTenant';
import { updatePersonality } from '@/db/queries/personalities';
import { findPrice } from '@/lib/costs/prices';
import { type Env, getEnv } from '@/lib/env';
import { localEmbedder } from '@/lib/knowledge/embedders';
import { ingestDocument } from '@/lib/knowledge/ingest';
import { roomNameFor } from '@/lib/livekit/config';
import { MeetingAssistant, NO_SCREEN_REPLY, SPEND_CAP_NOTICE, STT_SAMPLE_RATE } from '@/lib/meetings/agent/pipeline';
import { frameLevelDbfs, SPEECH_THRESHOLD_DBFS, UtteranceSegmenter } from '@/lib/meetings/agent/segmenter';
import { decideTurn } from '@/lib/meetings/agent/turn-taking';
import { encodePng } from '@/lib/vision/png';
import { speechToTextConfig, textToSpeechConfig } from '@/lib/voice/config';
import { speakableText } from '@/lib/voice/speakable';
import { decodeWav, type Pcm } from '@/lib/voice/wav';
import { expectedCost } from '../costs/helpers';
import { type OpenAiTestServer, startOpenAiServer, wavSeconds } from '../helpers/openai-server';
import { createTeam, type Team } from '../helpers/team';

// The meeting assistant's pipeline against a local OpenAI-compatible server with the audio
// endpoints: a spoken question (tests/fixtures/audio/question.wav, made by espeak-ng:
// `espeak-ng -v en-us -s 160 -w question.wav "How many days do I have to return an item?"`)
// goes through speech to text, the engine and text to speech, with every cost recorded.

const QUESTION = 'How many days do I have to return an item?';
const ANSWER = 'You can return it within **30 days** [1].';
const fixture = decodeWav(readFileSync(new URL('../fixtures/audio/question.wav', import.meta.url)));

describe('meeting assistant pipeline', () => {
  let server: OpenAiTestServer;
  let env: Env;
  let db: Database;
  let heard = QUESTION;

  beforeAll(async () => {
    server = await startOpenAiServer({ transcribe: () => heard });
    server.scriptChat({ text: ANSWER, promptTokens: 900, completionTokens: 12 });
    env = { ...getEnv(), OPENAI_API_KEY: 'test-key', OPENAI_BASE_URL: server.baseURL, LLM_TIMEOUT_MS: 5_000 };
    ({ db } = await getDatabase());
  });
  afterAll(async () => {
    await server.close();
    await closeDatabase();
  });

  async function meetingWithAssistant(state: 'active' | 'muted' | 'off' = 'active') {
    const team = await createTeam(db);
    await ingestDocument(team.tenantId, team.documentId, localEmbedder);
    await withTenantId(team.tenantId, (tx) => updatePersonality(tx, team.tenantId, team.personalityId, { name: 'Ava', preferredModel: 'gpt-4o-mini' }));
    const id = crypto.randomUUID();
    await db.insert(meetings).values({ id, tenantId: team.tenantId, roomName: roomNameFor(team.tenantId, id), title: 'Support sync', startedAt: new Date(), assistantState: state });
    return { team, meetingId: id };
  }

  const assistant = (team: Team, meetingId: string, extra: Partial<ConstructorParameters<typeof MeetingAssistant>[2]> = {}) =>
    new MeetingAssistant(team.tenantId, meetingId, { env, stt: speechToTextConfig(env)!, tts: textToSpeechConfig(env), ...extra });

  async function stored(tenantId: string, meetingId: string) {
    const [session] = await db.select().from(sessions).where(and(eq(sessions.tenantId, tenantId), eq(sessions.meetingId, meetingId)));
    if (!session) return { session, rows: [], costs: [] };
    const rows = await db.select().from(messages).where(eq(messages.sessionId, session.id)).orderBy(messages.createdAt);
    const costs = await db.select().from(costEvents).where(eq(costEvents.sessionId, session.id)).orderBy(costEvents.service);
    return { session, rows, costs };
  }

  it('segments the spoken question out of the audio as one utterance', () => {
    const segmenter = new UtteranceSegmenter(fixture.sampleRate);
    const utterances: Pcm[] = [];
    // Fed in 10 ms pieces, as a room delivers it, then a second of silence.
    const piece = fixture.sampleRate / 100;
    for (let i = 0; i < fixture.samples.length; i += piece) utterances.push(...segmenter.push(fixture.samples.subarray(i, i + piece)));
    utterances.push(...segmenter.push(new Int16Array(fixture.sampleRate)));
    expect(utterances).toHaveLength(1);
    const seconds = utterances[0]!.samples.length / fixture.sampleRate;
    expect(seconds).toBeGreaterThan(2.2);
    expect(seconds).toBeLessThan(3.8);
    // Silence and a click are not turns.
    expect(segmenter.push(new Int16Array(fixture.sampleRate * 2))).toEqual([]);
    const click = new Int16Array(fixture.sampleRate);
    click.fill(20_000, 0, Math.round(fixture.sampleRate * 0.04));
    expect([...segmenter.push(click), ...segmenter.push(new Int16Array(fixture.sampleRate))]).toEqual([]);
    // The threshold sits well below the fixture's voiced frames.
    const frame = Math.round(fixture.sampleRate * 0.02);
    const levels: number[] = [];
    for (let i = 0; i + frame <= fixture.samples.length; i += frame) levels.push(frameLevelDbfs(fixture.samples.subarray(i, i + frame)));
    const voiced = levels.filter((level) => level > SPEECH_THRESHOLD_DBFS);
    expect(voiced.length / levels.length).toBeGreaterThan(0.5);
  });

  it('answers a spoken question: transcript message, grounded reply with citations, synthesized audio, three cost events', async () => {
    const { team, meetingId } = await meetingWithAssistant();
    server.requests.length = 0;
    const result = await assistant(team, meetingId).handleUtterance({ speaker: 'Ada Lovelace', audio: fixture });

    expect(result).toMatchObject({ kind: 'answered', text: QUESTION, reply: ANSWER, via: 'engine', sources: [{ index: 1, title: 'Returns' }] });
    if (result.kind !== 'answered') throw new Error('not answered');
    expect(result.audio!.sampleRate).toBe(24_000);
    expect(result.audio!.samples.length).toBeGreaterThan(24_000);

    // The recogniser got the audio as a 16 kHz WAV, with the model and the response format that reports duration.
    const stt = server.requests.find((request) => request.path === '/v1/audio/transcriptions')!;
    expect(stt.body).toMatchObject({ model: 'whisper-1', response_format: 'verbose_json' });
    expect(stt.audio!.readUInt32LE(24)).toBe(STT_SAMPLE_RATE);
    const audioSeconds = Math.round(wavSeconds(stt.audio!) * 1000) / 1000;
    expect(audioSeconds).toBeCloseTo(fixture.samples.length / fixture.sampleRate, 2);
    // The voice reads the answer without citation markers or markdown.
    const tts = server.requests.find((request) => request.path === '/v1/audio/speech')!;
    expect(tts.body).toMatchObject({ model: 'tts-1', voice: 'alloy', response_format: 'wav', input: 'You can return it within 30 days.' });
    // The model saw the knowledge passage.
    const chat = server.requests.find((request) => request.path === '/v1/chat/completions')!;
    expect(JSON.stringify(chat.body.messages)).toContain('Returns are free within 30 days.');

    const { rows, costs, session } = await stored(team.tenantId, meetingId);
    expect(session).toMatchObject({ mode: 'meeting', source: 'meeting', meetingId });
    expect(rows.map((row) => [row.role, row.status, row.content, row.metadata.speaker])).toEqual([
      ['user', 'complete', QUESTION, 'Ada Lovelace'],
      ['assistant', 'complete', ANSWER, undefined],
    ]);
    expect(rows[1]!.sources).toMatchObject([{ index: 1, title: 'Returns' }]);

    const minutes = (audioSeconds / 60).toFixed(4);
    const sttPrice = findPrice('voice_stt', 'whisper-1')!.perMinute;
    const ttsPrice = findPrice('voice_tts', 'tts-1')!.perMillionCharacters;
    const llm = findPrice('llm', 'gpt-4o-mini')!;
    expect(costs.map((cost) => [cost.service, cost.model, cost.units, cost.inputTokens, cost.outputTokens, cost.costUsd])).toEqual([
      ['llm', 'gpt-4o-mini', '912.0000', 900, 12, expectedCost([['900', llm.inputPerMillionTokens], ['12', llm.outputPerMillionTokens]], 1_000_000n)],
      ['voice_stt', 'whisper-1', minutes, null, null, expectedCost([[minutes, sttPrice]])],
      ['voice_tts', 'tts-1', '33.0000', null, null, expectedCost([['33', ttsPrice]], 1_000_000n)],
    ]);
  });

  it('stays quiet when not addressed, and when muted, but keeps the transcript', async () => {
    const { team, meetingId } = await meetingWithAssistant();
    heard = 'Let us move on to the roadmap for next quarter.';
    try {
      expect(await assistant(team, meetingId).handleUtterance({ speaker: 'Grace', audio: fixture })).toEqual({ kind: 'transcribed', text: heard });
      await db.update(meetings).set({ assistantState: 'muted' }).where(eq(meetings.id, meetingId));
      heard = 'Ava, how long is the return window?';
      expect(await assistant(team, meetingId).handleUtterance({ speaker: 'Grace', audio: fixture })).toMatchObject({ kind: 'transcribed' });
    } finally {
      heard = QUESTION;
    }
    const { rows, costs } = await stored(team.tenantId, meetingId);
    expect(rows.map((row) => [row.role, row.metadata.speaker])).toEqual([
      ['user', 'Grace'],
      ['user', 'Grace'],
    ]);
    expect(costs.map((cost) => cost.service)).toEqual(['voice_stt', 'voice_stt']);
  });

  it('leaves when removed, and at the spend cap with a message to the host, spending nothing more', async () => {
    const removed = await meetingWithAssistant('off');
    server.requests.length = 0;
    expect(await assistant(removed.team, removed.meetingId).handleUtterance({ speaker: 'Ada', audio: fixture })).toEqual({ kind: 'stop', reason: 'removed' });

    const capped = await meetingWithAssistant();
    await db.update(tenants).set({ monthlySpendCapUsd: '0.01' }).where(eq(tenants.id, capped.team.tenantId));
    await db.insert(costEvents).values({ tenantId: capped.team.tenantId, service: 'llm', provider: 'openai', model: 'gpt-4o', costUsd: '0.02', priceVersion: 'test' });
    expect(await assistant(capped.team, capped.meetingId).handleUtterance({ speaker: 'Ada', audio: fixture })).toEqual({ kind: 'stop', reason: 'spend_cap' });
    const [meeting] = await db.select().from(meetings).where(eq(meetings.id, capped.meetingId));
    expect(meeting).toMatchObject({ assistantState: 'off', assistantNotice: SPEND_CAP_NOTICE });
    expect(server.requests).toEqual([]);
  });

  it('looks at one frame of the shared screen when asked about it, and records a vision cost', async () => {
    const { team, meetingId } = await meetingWithAssistant();
    const width = 64;
    const height = 36;
    const png = encodePng({ width, height, data: new Uint8Array(width * height * 4).fill(200) });
    server.requests.length = 0;
    server.scriptChat({ text: 'The slide shows a grey chart with no labels.', promptTokens: 300, completionTokens: 10 });
    heard = 'Ava, what is on my screen?';
    let result;
    try {
      result = await assistant(team, meetingId, { grabScreenFrame: async () => ({ image: png, mediaType: 'image/png' }) }).handleUtterance({ speaker: 'Ada', audio: fixture });
    } finally {
      heard = QUESTION;
      server.scriptChat({ text: ANSWER, promptTokens: 900, completionTokens: 12 });
    }
    expect(result).toMatchObject({ kind: 'answered', via: 'vision', reply: 'The slide shows a grey chart with no labels.' });
    const chat = server.requests.find((request) => request.path === '/v1/chat/completions')!;
    expect(JSON.stringify(chat.body.messages)).toContain(`data:image/png;base64,${png.toString('base64')}`);
    const { costs } = await stored(team.tenantId, meetingId);
    expect(costs.map((cost) => [cost.service, cost.model, cost.units])).toEqual([
      ['vision', 'gpt-4o-mini', '1.0000'],
      ['voice_stt', 'whisper-1', expect.any(String)],
      ['voice_tts', 'tts-1', expect.any(String)],
    ]);
    expect(costs[0]!.costUsd).toBe(expectedCost([['1', findPrice('vision', 'gpt-4o-mini')!.perImage]]));

    // Nobody sharing: it says so rather than guessing.
    heard = 'Assistant, can you see my screen?';
    try {
      const blind = await assistant(team, meetingId, { grabScreenFrame: async () => undefined }).handleUtterance({ speaker: 'Ada', audio: fixture });
      expect(blind).toMatchObject({ kind: 'answered', reply: NO_SCREEN_REPLY });
    } finally {
      heard = QUESTION;
    }
  });

  it('decides when to speak: addressed by name, or a question not put to someone else', () => {
    const names = { assistant: ['assistant', 'Ava'], others: ['Maria Lopez', 'Sam'] };
    expect(decideTurn('Ava, summarise the refund policy.', names)).toMatchObject({ answer: true, reason: 'addressed' });
    expect(decideTurn('What does the premium plan cost?', names)).toMatchObject({ answer: true, reason: 'question' });
    expect(decideTurn('how do I pause alerts', names)).toMatchObject({ answer: true, reason: 'question' });
    expect(decideTurn('Maria, can you send the deck?', names)).toMatchObject({ answer: false });
    expect(decideTurn('I think we should ship on Friday.', names)).toMatchObject({ answer: false });
    expect(decideTurn('Avalanche warnings are up.', names)).toMatchObject({ answer: false });
    expect(decideTurn('Assistant, what is on the slide?', names)).toMatchObject({ answer: true, aboutScreen: true });
    expect(speakableText('## Returns\n- You can return it within **30 days** [1][2].\n- See [the policy](https://x.example).')).toBe('Returns\nYou can return it within 30 days.\nSee the policy.');
  });
});
