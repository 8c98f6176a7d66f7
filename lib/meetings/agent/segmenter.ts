import type { Pcm } from '@/lib/voice/wav';

// Cuts a participant's microphone audio into utterances (voice activity by energy): speech
// starts when 20 ms frames are louder than the threshold for a little while and ends after a
// pause. Energy VAD needs no model download, and the meeting's speech services see each turn
// whole, which is what the OpenAI-compatible /audio/transcriptions API expects.

const FRAME_MS = 20;
/**
 * Frames louder than this are speech. Speech at a normal distance from a laptop microphone
 * measures -35 to -15 dBFS RMS, a quiet room's noise floor -65 to -50 dBFS; the fixture used by
 * the tests (espeak-ng at its default volume) measures -24 dBFS over its voiced frames.
 */
export const SPEECH_THRESHOLD_DBFS = -45;
/** Shorter bursts (a click, a cough) are not a turn. */
export const MIN_SPEECH_MS = 200;
/** A pause this long ends the turn: people pause mid-sentence for 300-500 ms. */
export const END_OF_TURN_SILENCE_MS = 800;
/** Audio kept from before the start was detected, so the first syllable is not clipped. */
const PRE_ROLL_MS = 200;
/** A monologue is cut here so it is transcribed (and answered) while still relevant. */
export const MAX_UTTERANCE_MS = 30_000;

export function frameLevelDbfs(samples: Int16Array): number {
  if (samples.length === 0) return -Infinity;
  let sum = 0;
  for (const sample of samples) sum += sample * sample;
  const rms = Math.sqrt(sum / samples.length) / 32768;
  return rms === 0 ? -Infinity : 20 * Math.log10(rms);
}

export class UtteranceSegmenter {
  private readonly frameSamples: number;
  private pending: Int16Array = new Int16Array(0);
  private frames: Int16Array[] = [];
  private preRoll: Int16Array[] = [];
  private voicedMs = 0;
  private silentMs = 0;
  private speaking = false;

  constructor(readonly sampleRate: number) {
    this.frameSamples = Math.round((sampleRate * FRAME_MS) / 1000);
  }

  /** Feeds audio; returns the utterances it completed. */
  push(samples: Int16Array): Pcm[] {
    const done: Pcm[] = [];
    const joined = new Int16Array(this.pending.length + samples.length);
    joined.set(this.pending);
    joined.set(samples, this.pending.length);
    let offset = 0;
    for (; offset + this.frameSamples <= joined.length; offset += this.frameSamples) {
      const utterance = this.frame(joined.slice(offset, offset + this.frameSamples));
      if (utterance) done.push(utterance);
    }
    this.pending = joined.slice(offset);
    return done;
  }

  /** Ends the stream (the participant left or muted): whatever was being said is a turn. */
  flush(): Pcm | undefined {
    return this.speaking && this.voicedMs >= MIN_SPEECH_MS ? this.cut() : (this.reset(), undefined);
  }

  private frame(frame: Int16Array): Pcm | undefined {
    const loud = frameLevelDbfs(frame) > SPEECH_THRESHOLD_DBFS;
    if (!this.speaking) {
      this.preRoll.push(frame);
      if (this.preRoll.length > PRE_ROLL_MS / FRAME_MS) this.preRoll.shift();
      if (!loud) return undefined;
      this.speaking = true;
      this.frames = [...this.preRoll];
      this.preRoll = [];
      this.voicedMs = FRAME_MS;
      this.silentMs = 0;
      return undefined;
    }
    this.frames.push(frame);
    if (loud) {
      this.voicedMs += FRAME_MS;
      this.silentMs = 0;
    } else {
      this.silentMs += FRAME_MS;
    }
    const lengthMs = this.frames.length * FRAME_MS;
    if (this.silentMs >= END_OF_TURN_SILENCE_MS || lengthMs >= MAX_UTTERANCE_MS) {
      if (this.voicedMs < MIN_SPEECH_MS) {
        this.reset();
        return undefined;
      }
      return this.cut();
    }
    return undefined;
  }

  private cut(): Pcm {
    const total = this.frames.reduce((sum, frame) => sum + frame.length, 0);
    const samples = new Int16Array(total);
    let offset = 0;
    for (const frame of this.frames) {
      samples.set(frame, offset);
      offset += frame.length;
    }
    this.reset();
    return { sampleRate: this.sampleRate, samples };
  }

  private reset() {
    this.frames = [];
    this.speaking = false;
    this.voicedMs = 0;
    this.silentMs = 0;
  }
}
