import 'server-only';
import { withTenantId } from '@/db/withTenant';
import { encodeReplyEvent, type ReplyEvent, readReplyEvents } from '@/lib/chat/protocol';
import { checkSpendLimits, type SpendScope } from '@/lib/costs/budget';
import type { TextToSpeechConfig } from '@/lib/voice/config';
import { recordTextToSpeechCost } from '@/lib/voice/costs';
import { speakableText } from '@/lib/voice/speakable';
import { synthesize } from '@/lib/voice/tts';
import { encodeWav } from '@/lib/voice/wav';

// A reply to a spoken question: the visitor's transcript first, then the engine's events as
// they come, with the answer spoken sentence by sentence while it streams (so the first
// words are heard long before the whole answer is written). Each piece of speech is billed
// (`voice_tts`) as it is synthesised; nothing more is synthesised once the visitor has gone.

/**
 * The first piece is spoken as soon as a sentence of at least this many characters is
 * complete (a short first sentence is heard soonest); later pieces gather whole sentences up
 * to LATER_PIECE_CHARACTERS, fewer requests for the same speech.
 */
export const FIRST_PIECE_CHARACTERS = 20;
export const LATER_PIECE_CHARACTERS = 200;

const SENTENCE_END = /[.!?…](?:\s|$)|\n\n/g;

/** Splits what has streamed so far into a piece ready to speak and the rest (undefined when no piece is ready). */
export function nextSpeakablePiece(buffered: string, first: boolean, final = false): { piece: string; rest: string } | undefined {
  if (final) return buffered.trim() ? { piece: buffered, rest: '' } : undefined;
  const wanted = first ? FIRST_PIECE_CHARACTERS : LATER_PIECE_CHARACTERS;
  let cut = -1;
  for (const match of buffered.matchAll(SENTENCE_END)) {
    const end = match.index + match[0].length;
    if (first) {
      if (end >= wanted) {
        cut = end;
        break;
      }
      continue;
    }
    // Later pieces: the last sentence end within `wanted`, or the first one past it.
    if (end <= wanted || cut < 0) cut = end;
    if (end >= wanted) break;
  }
  if (cut < 0) return undefined;
  // Short sentences wait for more to gather (the end of the reply flushes whatever is left).
  if (!first && buffered.length < wanted) return undefined;
  return { piece: buffered.slice(0, cut), rest: buffered.slice(cut) };
}

export type SpokenReplyOptions = {
  transcript: string;
  /** Undefined: the widget does not speak (or the visitor muted it); the text still streams. */
  speech?: { config: TextToSpeechConfig; scope: SpendScope & { sessionId: string } };
  /** Called with the time the first audio byte was sent (the benchmark's end point). */
  onFirstAudio?: () => void;
};

export function spokenReply(reply: ReadableStream<Uint8Array>, options: SpokenReplyOptions): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  let open = true;
  return new ReadableStream<Uint8Array>({
    async start(controller) {
      const send = (event: ReplyEvent) => {
        if (!open) return;
        try {
          controller.enqueue(encoder.encode(encodeReplyEvent(event)));
        } catch {
          open = false;
        }
      };
      send({ type: 'transcript', text: options.transcript });
      const speaker = options.speech && new SentenceSpeaker(options.speech, send, () => open, options.onFirstAudio);
      for await (const event of readReplyEvents(reply)) {
        send(event);
        if (!speaker) continue;
        if (event.type === 'text') speaker.add(event.delta);
        if (event.type === 'done') speaker.finish(event.status === 'complete' ? undefined : event.content);
      }
      await speaker?.done;
      if (open) controller.close();
    },
    cancel() {
      open = false;
    },
  });
}

class SentenceSpeaker {
  private buffered = '';
  private spoken = false;
  private allowed: Promise<boolean> | undefined;
  done: Promise<void> = Promise.resolve();

  constructor(
    private readonly speech: NonNullable<SpokenReplyOptions['speech']>,
    private readonly send: (event: ReplyEvent) => void,
    private readonly listening: () => boolean,
    private onFirstAudio?: () => void,
  ) {}

  add(delta: string) {
    this.buffered += delta;
    for (let next = nextSpeakablePiece(this.buffered, !this.spoken); next; next = nextSpeakablePiece(this.buffered, !this.spoken)) {
      this.buffered = next.rest;
      this.queue(next.piece);
    }
  }

  /** The reply ended: speak what is left, or, for a failed reply not yet spoken, its apology. */
  finish(failedContent?: string) {
    if (failedContent !== undefined) {
      if (!this.spoken) this.queue(failedContent);
      this.buffered = '';
      return;
    }
    const last = nextSpeakablePiece(this.buffered, !this.spoken, true);
    this.buffered = '';
    if (last) this.queue(last.piece);
  }

  private queue(piece: string) {
    const text = speakableText(piece);
    if (!text) return;
    this.spoken = true;
    this.done = this.done.then(() => this.speak(text));
  }

  private async speak(text: string) {
    const { config, scope } = this.speech;
    if (!this.listening()) return;
    // Checked once per reply: speech stops being added when a spend limit is reached.
    this.allowed ??= withTenantId(scope.tenantId, (tx) => checkSpendLimits(tx, scope)).then((refused) => !refused);
    if (!(await this.allowed)) return;
    try {
      const speech = await synthesize(config, text);
      await withTenantId(scope.tenantId, (tx) => recordTextToSpeechCost(tx, { tenantId: scope.tenantId, sessionId: scope.sessionId, operation: 'widget spoken answer' }, speech));
      if (!this.listening()) return;
      this.onFirstAudio?.();
      this.onFirstAudio = undefined;
      this.send({ type: 'audio', mediaType: 'audio/wav', data: encodeWav(speech.audio).toString('base64') });
    } catch (error) {
      // The text is already there; the rest of the answer is not spoken.
      console.error('Speech for a widget answer failed', { sessionId: scope.sessionId, error: error instanceof Error ? error.message : String(error) });
      this.allowed = Promise.resolve(false);
    }
  }
}
