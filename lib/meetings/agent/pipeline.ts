import 'server-only';
import { addMessage } from '@/db/queries/conversations';
import { getMeeting, updateMeeting } from '@/db/queries/meetings';
import { getPersonalityForReply } from '@/db/queries/personalities';
import type { MessageSource } from '@/db/schema';
import { withTenantId } from '@/db/withTenant';
import { streamReply } from '@/lib/ai/engine';
import { readReplyEvents, type ReplySource } from '@/lib/chat/protocol';
import { getSpendCapStatus } from '@/lib/costs/budget';
import { type Env, getEnv } from '@/lib/env';
import { askAboutImage, recordVisionCost, visionModel } from '@/lib/vision/ask';
import type { SpeechToTextConfig, TextToSpeechConfig } from '@/lib/voice/config';
import { recordSpeechToTextCost, recordTextToSpeechCost } from '@/lib/voice/costs';
import { speakableText } from '@/lib/voice/speakable';
import { transcribe } from '@/lib/voice/stt';
import { synthesize } from '@/lib/voice/tts';
import { type Pcm, resample } from '@/lib/voice/wav';
import { ensureMeetingSession } from '../accounting';
import { decideTurn } from './turn-taking';

// One spoken turn in a meeting, independent of how the audio travels (LiveKit in production,
// a WAV file in tests): speech to text -> the same engine as text chat (personality, hybrid
// retrieval, citations) -> text to speech. Every call is billed from the usage its provider
// reports, against the meeting's conversation. Before each turn the assistant checks that it
// is still wanted (not removed, not muted) and that the workspace is within its spend cap.

/** What the recogniser is sent: 16 kHz mono is what speech models are trained on. */
export const STT_SAMPLE_RATE = 16_000;

export const SPEND_CAP_NOTICE = 'The assistant left the meeting: this workspace reached its monthly spend cap. Raise the cap in Settings to invite it again.';
export const NO_SCREEN_REPLY = 'I cannot see a shared screen right now. Share your screen and ask me again.';

export type ScreenFrame = { image: Uint8Array; mediaType: 'image/png' | 'image/jpeg' };

export type AssistantServices = {
  env?: Env;
  stt: SpeechToTextConfig;
  /** Without text to speech the assistant answers in the transcript only. */
  tts?: TextToSpeechConfig;
  /** One frame of the screen being shared now, if any. */
  grabScreenFrame?: () => Promise<ScreenFrame | undefined>;
};

export type Utterance = { speaker: string; audio: Pcm; otherParticipants?: string[] };

export type TurnResult =
  | { kind: 'stop'; reason: 'removed' | 'ended' | 'spend_cap' }
  | { kind: 'silence' }
  | { kind: 'transcribed'; text: string }
  | { kind: 'answered'; text: string; reply: string; sources: ReplySource[] | MessageSource[]; via: 'engine' | 'vision'; audio?: Pcm };

export class MeetingAssistant {
  private readonly env: Env;

  constructor(
    readonly tenantId: string,
    readonly meetingId: string,
    private readonly services: AssistantServices,
  ) {
    this.env = services.env ?? getEnv();
  }

  /** Whether to keep going, and how to recognise being addressed. Checked before every turn. */
  async standing(): Promise<{ stop?: 'removed' | 'ended' | 'spend_cap'; muted: boolean; names: string[]; instructions: string }> {
    const { tenantId, meetingId } = this;
    return withTenantId(tenantId, async (tx) => {
      const meeting = await getMeeting(tx, tenantId, meetingId);
      const personality = await getPersonalityForReply(tx, tenantId, null);
      const names = ['assistant', ...(personality ? [personality.name] : [])];
      const instructions = personality?.systemPrompt ?? '';
      if (!meeting || meeting.endedAt) return { stop: 'ended' as const, muted: false, names, instructions };
      if (meeting.assistantState === 'off') return { stop: 'removed' as const, muted: false, names, instructions };
      if ((await getSpendCapStatus(tx, tenantId)).reached) {
        await updateMeeting(tx, tenantId, meetingId, { assistantState: 'off', assistantNotice: SPEND_CAP_NOTICE });
        return { stop: 'spend_cap' as const, muted: false, names, instructions };
      }
      return { muted: meeting.assistantState === 'muted', names, instructions };
    });
  }

  async handleUtterance(utterance: Utterance): Promise<TurnResult> {
    const { tenantId, meetingId } = this;
    const standing = await this.standing();
    if (standing.stop) return { kind: 'stop', reason: standing.stop };

    const transcript = await transcribe(this.services.stt, resample(utterance.audio, STT_SAMPLE_RATE));
    const sessionId = await withTenantId(tenantId, async (tx) => {
      const id = await ensureMeetingSession(tx, tenantId, meetingId);
      await recordSpeechToTextCost(tx, { tenantId, sessionId: id, operation: 'meeting speech' }, transcript);
      return id;
    });
    const text = transcript.text;
    if (!text) return { kind: 'silence' };

    const decision = decideTurn(text, { assistant: standing.names, others: utterance.otherParticipants ?? [] });
    if (standing.muted || !decision.answer) {
      await withTenantId(tenantId, (tx) => addMessage(tx, { tenantId, sessionId, role: 'user', content: text, metadata: { speaker: utterance.speaker } }));
      return { kind: 'transcribed', text };
    }

    const answer = decision.aboutScreen && this.services.grabScreenFrame ? await this.answerAboutScreen(sessionId, utterance.speaker, text, standing.instructions) : await this.answerFromKnowledge(sessionId, utterance.speaker, text);
    const audio = await this.speak(sessionId, answer.reply);
    return { kind: 'answered', text, ...answer, audio };
  }

  private async answerFromKnowledge(sessionId: string, speaker: string, text: string) {
    // Everyone in the room hears the answer, guests included: the stream carries what a visitor's does.
    const stream = await streamReply({ tenantId: this.tenantId, sessionId, content: text, speaker, audience: 'visitor' }, this.env);
    let reply = '';
    let sources: ReplySource[] = [];
    for await (const event of readReplyEvents(stream)) {
      if (event.type === 'sources') sources = event.sources;
      if (event.type === 'done') reply = event.content;
    }
    return { reply, sources, via: 'engine' as const };
  }

  private async answerAboutScreen(sessionId: string, speaker: string, text: string, instructions: string) {
    const { tenantId } = this;
    const frame = await this.services.grabScreenFrame!();
    const model = visionModel(this.env);
    if (!frame || !model) {
      const reply = frame ? 'I cannot look at the screen: no vision-capable model is configured.' : NO_SCREEN_REPLY;
      await withTenantId(tenantId, async (tx) => {
        await addMessage(tx, { tenantId, sessionId, role: 'user', content: text, metadata: { speaker } });
        await addMessage(tx, { tenantId, sessionId, role: 'assistant', content: reply });
      });
      return { reply, sources: [] as MessageSource[], via: 'vision' as const };
    }
    const answer = await askAboutImage({ image: frame.image, mediaType: frame.mediaType, question: text, instructions }, this.env, model);
    await withTenantId(tenantId, async (tx) => {
      const cost = await recordVisionCost(tx, { tenantId, sessionId, operation: 'meeting screen question' }, answer);
      await addMessage(tx, { tenantId, sessionId, role: 'user', content: text, metadata: { speaker } });
      await addMessage(tx, {
        tenantId,
        sessionId,
        role: 'assistant',
        content: answer.text,
        metadata: { model: model.id, provider: model.provider, inputTokens: answer.inputTokens, outputTokens: answer.outputTokens, costUsd: cost?.costUsd, latencyMs: answer.durationMs },
      });
    });
    return { reply: answer.text, sources: [] as MessageSource[], via: 'vision' as const };
  }

  private async speak(sessionId: string, reply: string): Promise<Pcm | undefined> {
    const tts = this.services.tts;
    const spoken = speakableText(reply);
    if (!tts || !spoken) return undefined;
    const speech = await synthesize(tts, spoken);
    await withTenantId(this.tenantId, (tx) => recordTextToSpeechCost(tx, { tenantId: this.tenantId, sessionId, operation: 'meeting answer' }, speech));
    return speech.audio;
  }
}
