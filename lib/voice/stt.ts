import 'server-only';
import type { SpeechToTextConfig } from './config';
import { durationSeconds, encodeWav, type Pcm } from './wav';

// Speech to text over HTTP. The billed duration is what the provider reports (OpenAI's
// `usage.seconds` / verbose `duration`, Deepgram's `metadata.duration`); only when a server
// reports nothing is the audio's own length used, and the result says so.

export type Transcript = {
  text: string;
  /** Seconds of audio billed. */
  seconds: number;
  secondsFrom: 'provider' | 'audio';
  model: string;
  provider: string;
  durationMs: number;
};

export class SpeechServiceError extends Error {
  constructor(
    message: string,
    readonly status?: number,
  ) {
    super(message);
    this.name = 'SpeechServiceError';
  }
}

/** A speech request may not hang a meeting turn. */
export const SPEECH_TIMEOUT_MS = 20_000;

async function failure(response: Response, what: string): Promise<SpeechServiceError> {
  const detail = (await response.text().catch(() => '')).slice(0, 300);
  return new SpeechServiceError(`${what} failed with HTTP ${response.status}${detail ? `: ${detail}` : ''}`, response.status);
}

/** Retried once: a rate limit or a server error is often gone a moment later (as the AI SDK does for models). */
const RETRY_DELAY_MS = 300;

/** POSTs a speech request, retrying once on 429 or 5xx. */
export async function postSpeechRequest(url: string, init: RequestInit & { signal: AbortSignal }): Promise<Response> {
  const response = await fetch(url, init);
  if (response.status !== 429 && response.status < 500) return response;
  await response.body?.cancel();
  const hinted = Number(response.headers.get('retry-after-ms') ?? Number(response.headers.get('retry-after') ?? 0) * 1000);
  await new Promise((resolve) => setTimeout(resolve, Math.min(Number.isFinite(hinted) && hinted > 0 ? hinted : RETRY_DELAY_MS, 2_000)));
  return fetch(url, init);
}

/** A recorded clip as a browser uploads it (WebM/Opus, or WAV), with its measured length. */
export type AudioFile = { bytes: Uint8Array; mediaType: 'audio/wav' | 'audio/webm'; seconds: number };

export async function transcribe(config: SpeechToTextConfig, audio: Pcm, signal?: AbortSignal): Promise<Transcript> {
  return transcribeFile(config, { bytes: encodeWav(audio), mediaType: 'audio/wav', seconds: durationSeconds(audio) }, signal);
}

/** Speech to text of an encoded file: both services take WAV and WebM/Opus as they are. */
export async function transcribeFile(config: SpeechToTextConfig, audio: AudioFile, signal: AbortSignal = AbortSignal.timeout(SPEECH_TIMEOUT_MS)): Promise<Transcript> {
  const started = performance.now();
  const measured = audio.seconds;
  if (config.provider === 'deepgram') {
    const response = await postSpeechRequest(`${config.baseUrl}/listen?model=${encodeURIComponent(config.model)}&smart_format=true&punctuate=true`, {
      method: 'POST',
      headers: { authorization: `Token ${config.apiKey}`, 'content-type': audio.mediaType },
      body: new Uint8Array(audio.bytes),
      signal,
    });
    if (!response.ok) throw await failure(response, 'Deepgram transcription');
    const body = (await response.json()) as { metadata?: { duration?: number }; results?: { channels?: Array<{ alternatives?: Array<{ transcript?: string }> }> } };
    const reported = body.metadata?.duration;
    return {
      text: (body.results?.channels?.[0]?.alternatives?.[0]?.transcript ?? '').trim(),
      seconds: reported ?? measured,
      secondsFrom: reported === undefined ? 'audio' : 'provider',
      model: config.model,
      provider: config.costProvider,
      durationMs: Math.round(performance.now() - started),
    };
  }
  const form = new FormData();
  form.set('file', new Blob([new Uint8Array(audio.bytes)], { type: audio.mediaType }), audio.mediaType === 'audio/webm' ? 'speech.webm' : 'speech.wav');
  form.set('model', config.model);
  // whisper-1 reports the audio's duration only in verbose_json; newer models report usage in json.
  form.set('response_format', config.model === 'whisper-1' ? 'verbose_json' : 'json');
  const response = await postSpeechRequest(`${config.baseUrl}/audio/transcriptions`, {
    method: 'POST',
    headers: config.apiKey ? { authorization: `Bearer ${config.apiKey}` } : {},
    body: form,
    signal,
  });
  if (!response.ok) throw await failure(response, 'Transcription');
  const body = (await response.json()) as { text?: string; duration?: number; usage?: { type?: string; seconds?: number } };
  const reported = body.usage?.type === 'duration' && typeof body.usage.seconds === 'number' ? body.usage.seconds : body.duration;
  return {
    text: (body.text ?? '').trim(),
    seconds: reported ?? measured,
    secondsFrom: reported === undefined ? 'audio' : 'provider',
    model: config.model,
    provider: config.costProvider,
    durationMs: Math.round(performance.now() - started),
  };
}
