// Voice and image helpers of the chat frame, built as their own bundle (public/widget-media.js)
// and loaded only when a visitor first presses the microphone or attach button, so the chat
// (and the loader) carry none of it until it is used. Registers itself on the frame's window.
import { MEDIA_GLOBAL } from './types';

export type RecordedClip = { blob: Blob; type: 'audio/webm' | 'audio/wav' };
export type Recording = { stop: () => Promise<RecordedClip>; cancel: () => void };
export type AnswerPlayer = { enqueue: (base64Wav: string) => void; stop: () => void };
export type MediaHelpers = {
  record: (options: { maxSeconds: number; onLimit: () => void }) => Promise<Recording>;
  player: () => AnswerPlayer;
};

/** A problem to show the visitor as it is. */
export class MediaProblem extends Error {}

const OPUS = 'audio/webm;codecs=opus';
/** What a fallback recording is converted to: 16 kHz mono is what speech recognisers are trained on. */
const WAV_RATE = 16_000;

function microphoneProblem(error: unknown): MediaProblem {
  const name = error instanceof DOMException ? error.name : '';
  if (name === 'NotAllowedError' || name === 'SecurityError') {
    return new MediaProblem('Microphone access is blocked. Allow it for this site in your browser settings to send voice messages, or type your question.');
  }
  if (name === 'NotFoundError' || name === 'OverconstrainedError') return new MediaProblem('No microphone was found. Connect one to send voice messages, or type your question.');
  if (name === 'NotReadableError') return new MediaProblem('Your microphone is busy in another app. Close it there and try again, or type your question.');
  return new MediaProblem('The microphone could not be started. Please type your question.');
}

async function record({ maxSeconds, onLimit }: { maxSeconds: number; onLimit: () => void }): Promise<Recording> {
  if (!navigator.mediaDevices?.getUserMedia || typeof MediaRecorder === 'undefined') {
    throw new MediaProblem('This browser cannot record voice messages. Please type your question.');
  }
  let stream: MediaStream;
  try {
    stream = await navigator.mediaDevices.getUserMedia({ audio: { echoCancellation: true, noiseSuppression: true, channelCount: 1 } });
  } catch (error) {
    throw microphoneProblem(error);
  }
  const opus = MediaRecorder.isTypeSupported(OPUS);
  const recorder = new MediaRecorder(stream, opus ? { mimeType: OPUS, audioBitsPerSecond: 32_000 } : undefined);
  const chunks: Blob[] = [];
  recorder.ondataavailable = (event) => event.data.size && chunks.push(event.data);
  const stopped = new Promise<void>((resolve) => (recorder.onstop = () => resolve()));
  const release = () => stream.getTracks().forEach((track) => track.stop());
  recorder.start(250);
  const limit = setTimeout(onLimit, maxSeconds * 1000);
  const finish = async () => {
    clearTimeout(limit);
    if (recorder.state !== 'inactive') recorder.stop();
    await stopped;
    release();
  };
  return {
    async stop() {
      await finish();
      const recorded = new Blob(chunks, { type: recorder.mimeType });
      // Safari records AAC in MP4: converted here to WAV, which every speech service takes.
      return opus ? { blob: recorded, type: 'audio/webm' } : { blob: await toWav(recorded), type: 'audio/wav' };
    },
    cancel: () => void finish(),
  };
}

async function toWav(recorded: Blob): Promise<Blob> {
  const context = new AudioContext();
  try {
    const decoded = await context.decodeAudioData(await recorded.arrayBuffer());
    const offline = new OfflineAudioContext(1, Math.max(1, Math.ceil(decoded.duration * WAV_RATE)), WAV_RATE);
    const source = offline.createBufferSource();
    source.buffer = decoded;
    source.connect(offline.destination);
    source.start();
    const samples = (await offline.startRendering()).getChannelData(0);
    const wav = new DataView(new ArrayBuffer(44 + samples.length * 2));
    const ascii = (offset: number, text: string) => [...text].forEach((c, i) => wav.setUint8(offset + i, c.charCodeAt(0)));
    ascii(0, 'RIFF');
    wav.setUint32(4, 36 + samples.length * 2, true);
    ascii(8, 'WAVEfmt ');
    wav.setUint32(16, 16, true);
    wav.setUint16(20, 1, true);
    wav.setUint16(22, 1, true);
    wav.setUint32(24, WAV_RATE, true);
    wav.setUint32(28, WAV_RATE * 2, true);
    wav.setUint16(32, 2, true);
    wav.setUint16(34, 16, true);
    ascii(36, 'data');
    wav.setUint32(40, samples.length * 2, true);
    samples.forEach((sample, i) => wav.setInt16(44 + i * 2, Math.max(-1, Math.min(1, sample)) * 0x7fff, true));
    return new Blob([wav.buffer], { type: 'audio/wav' });
  } finally {
    void context.close();
  }
}

/** Plays the answer's speech pieces one after another as they arrive. */
function player(): AnswerPlayer {
  const queue: string[] = [];
  let current: HTMLAudioElement | undefined;
  let stopped = false;
  const next = () => {
    if (current || stopped) return;
    const piece = queue.shift();
    if (!piece) return;
    const bytes = Uint8Array.from(atob(piece), (c) => c.charCodeAt(0));
    const url = URL.createObjectURL(new Blob([bytes], { type: 'audio/wav' }));
    const audio = (current = new Audio(url));
    const done = () => {
      URL.revokeObjectURL(url);
      current = undefined;
      next();
    };
    audio.onended = done;
    audio.onerror = done;
    // Autoplay can be refused (the visitor's press of the microphone usually counts as consent).
    audio.play().catch(done);
  };
  return {
    enqueue(piece) {
      queue.push(piece);
      next();
    },
    stop() {
      stopped = true;
      queue.length = 0;
      current?.pause();
    },
  };
}

(window as unknown as Record<string, MediaHelpers>)[MEDIA_GLOBAL] = { record, player };
