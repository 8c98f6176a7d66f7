import 'server-only';
import { type Env, getEnv } from '@/lib/env';

// Which speech services this deployment uses, from the environment. OpenAI-compatible servers
// (OpenAI itself, a local whisper / TTS server) speak /v1/audio/*; Deepgram and ElevenLabs have
// their own APIs.

const OPENAI_API = 'https://api.openai.com/v1';

export type SpeechToTextConfig =
  | { provider: 'openai'; costProvider: string; baseUrl: string; apiKey?: string; model: string }
  | { provider: 'deepgram'; costProvider: 'deepgram'; baseUrl: string; apiKey: string; model: string };

export type TextToSpeechConfig =
  | { provider: 'openai'; costProvider: string; baseUrl: string; apiKey?: string; model: string; voice: string }
  | { provider: 'elevenlabs'; costProvider: 'elevenlabs'; baseUrl: string; apiKey: string; model: string; voice: string };

const stripSlash = (url: string) => url.replace(/\/+$/, '');

/** Undefined when no speech-to-text service is configured. */
export function speechToTextConfig(env: Env = getEnv()): SpeechToTextConfig | undefined {
  if (env.STT_PROVIDER === 'deepgram' || (!env.STT_PROVIDER && env.DEEPGRAM_API_KEY && !env.STT_BASE_URL)) {
    const apiKey = env.STT_API_KEY ?? env.DEEPGRAM_API_KEY;
    if (!apiKey) return undefined;
    return { provider: 'deepgram', costProvider: 'deepgram', baseUrl: stripSlash(env.STT_BASE_URL ?? 'https://api.deepgram.com/v1'), apiKey, model: env.STT_MODEL ?? 'nova-3' };
  }
  const baseUrl = env.STT_BASE_URL ?? env.OPENAI_BASE_URL ?? (env.OPENAI_API_KEY ? OPENAI_API : undefined);
  if (!baseUrl) return undefined;
  return {
    provider: 'openai',
    costProvider: env.STT_BASE_URL ? 'openai-compatible' : 'openai',
    baseUrl: stripSlash(baseUrl),
    apiKey: env.STT_API_KEY ?? env.OPENAI_API_KEY,
    model: env.STT_MODEL ?? 'whisper-1',
  };
}

/** Undefined when no text-to-speech service is configured. */
export function textToSpeechConfig(env: Env = getEnv()): TextToSpeechConfig | undefined {
  if (env.TTS_PROVIDER === 'elevenlabs' || (!env.TTS_PROVIDER && env.ELEVENLABS_API_KEY && !env.TTS_BASE_URL)) {
    const apiKey = env.TTS_API_KEY ?? env.ELEVENLABS_API_KEY;
    if (!apiKey) return undefined;
    return {
      provider: 'elevenlabs',
      costProvider: 'elevenlabs',
      baseUrl: stripSlash(env.TTS_BASE_URL ?? 'https://api.elevenlabs.io/v1'),
      apiKey,
      model: env.TTS_MODEL ?? 'eleven_flash_v2_5',
      // ElevenLabs' "Rachel" premade voice.
      voice: env.TTS_VOICE ?? '21m00Tcm4TlvDq8ikWAM',
    };
  }
  const baseUrl = env.TTS_BASE_URL ?? env.OPENAI_BASE_URL ?? (env.OPENAI_API_KEY ? OPENAI_API : undefined);
  if (!baseUrl) return undefined;
  return {
    provider: 'openai',
    costProvider: env.TTS_BASE_URL ? 'openai-compatible' : 'openai',
    baseUrl: stripSlash(baseUrl),
    apiKey: env.TTS_API_KEY ?? env.OPENAI_API_KEY,
    model: env.TTS_MODEL ?? 'tts-1',
    voice: env.TTS_VOICE ?? 'alloy',
  };
}
