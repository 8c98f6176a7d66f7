import 'server-only';
import type { TextToSpeechConfig } from './config';
import { postSpeechRequest, SPEECH_TIMEOUT_MS, SpeechServiceError } from './stt';
import { decodeWav, type Pcm } from './wav';

// Text to speech over HTTP, returning PCM to play into a room or encode for a browser.
// Billed by characters: what ElevenLabs reports in its `character-cost` header, otherwise the
// characters sent (what OpenAI bills).

export type Speech = { audio: Pcm; characters: number; model: string; provider: string; durationMs: number };

/** ElevenLabs' raw PCM output rate that needs no re-encoding. */
const ELEVENLABS_PCM_RATE = 24_000;
/** The longest text sent in one request (OpenAI's limit is 4,096 characters). */
export const MAX_SPEECH_CHARACTERS = 4_000;

export async function synthesize(config: TextToSpeechConfig, text: string, signal: AbortSignal = AbortSignal.timeout(SPEECH_TIMEOUT_MS)): Promise<Speech> {
  const started = performance.now();
  const input = text.slice(0, MAX_SPEECH_CHARACTERS);
  if (config.provider === 'elevenlabs') {
    const response = await postSpeechRequest(`${config.baseUrl}/text-to-speech/${encodeURIComponent(config.voice)}?output_format=pcm_${ELEVENLABS_PCM_RATE}`, {
      method: 'POST',
      headers: { 'xi-api-key': config.apiKey, 'content-type': 'application/json', accept: 'audio/pcm' },
      body: JSON.stringify({ text: input, model_id: config.model }),
      signal,
    });
    if (!response.ok) throw new SpeechServiceError(`ElevenLabs speech failed with HTTP ${response.status}`, response.status);
    const bytes = Buffer.from(await response.arrayBuffer());
    const samples = new Int16Array(bytes.buffer, bytes.byteOffset, Math.floor(bytes.byteLength / 2));
    const reported = Number(response.headers.get('character-cost'));
    return {
      audio: { sampleRate: ELEVENLABS_PCM_RATE, samples: new Int16Array(samples) },
      characters: Number.isFinite(reported) && reported > 0 ? reported : input.length,
      model: config.model,
      provider: config.costProvider,
      durationMs: Math.round(performance.now() - started),
    };
  }
  const response = await postSpeechRequest(`${config.baseUrl}/audio/speech`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(config.apiKey ? { authorization: `Bearer ${config.apiKey}` } : {}) },
    body: JSON.stringify({ model: config.model, input, voice: config.voice, response_format: 'wav' }),
    signal,
  });
  if (!response.ok) throw new SpeechServiceError(`Speech synthesis failed with HTTP ${response.status}: ${(await response.text().catch(() => '')).slice(0, 300)}`, response.status);
  return {
    audio: decodeWav(Buffer.from(await response.arrayBuffer())),
    characters: input.length,
    model: config.model,
    provider: config.costProvider,
    durationMs: Math.round(performance.now() - started),
  };
}
