import { type AudioFile } from '@/lib/voice/stt';
import { decodeWav, durationSeconds, UnsupportedAudioError } from '@/lib/voice/wav';
import { readWebmAudio } from '@/lib/voice/webm';
import { MediaRejectedError } from './rejected';

// A visitor's voice clip, checked before any speech service is paid to hear it: a declared
// type we accept, a size that fits the longest clip, a file that really is that type, and a
// length (from the file itself) within the limit.

export const CLIP_LIMITS = {
  maxSeconds: 60,
  // MediaRecorder stops at 60 s on the visitor's clock; its last block may land a little later.
  toleranceSeconds: 1,
  // Shorter than this is a slip of the finger, not speech.
  minSeconds: 0.3,
  // 60 s of 16 kHz mono 16-bit WAV is 1.92 MB (the fallback where a browser cannot record
  // Opus); Opus at MediaRecorder's default bitrate is far smaller.
  maxBytes: 2 * 1024 * 1024,
} as const;

export const CLIP_MEDIA_TYPES = ['audio/webm', 'audio/wav'] as const;

/** Why a clip cannot be used. */
export class ClipRejectedError extends MediaRejectedError {}

/** The clip's media type from its Content-Type (`audio/webm;codecs=opus` is audio/webm), or undefined. */
export function clipMediaType(contentType: string | null): AudioFile['mediaType'] | undefined {
  const essence = contentType?.split(';')[0]!.trim().toLowerCase();
  if (essence === 'audio/webm') return 'audio/webm';
  if (essence === 'audio/wav' || essence === 'audio/x-wav' || essence === 'audio/wave') return 'audio/wav';
  return undefined;
}

/** Reads and measures a clip; throws ClipRejectedError when it is not a usable one. */
export function inspectClip(bytes: Uint8Array, mediaType: AudioFile['mediaType']): AudioFile {
  if (bytes.length > CLIP_LIMITS.maxBytes) throw new ClipRejectedError(413, 'Voice messages can be at most 60 seconds.');
  let seconds: number;
  try {
    seconds = mediaType === 'audio/webm' ? readWebmAudio(bytes).seconds : durationSeconds(decodeWav(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)));
  } catch (error) {
    if (error instanceof UnsupportedAudioError) throw new ClipRejectedError(422, `The recording could not be read: ${error.message}`);
    throw new ClipRejectedError(422, 'The recording could not be read.');
  }
  if (!Number.isFinite(seconds) || seconds > CLIP_LIMITS.maxSeconds + CLIP_LIMITS.toleranceSeconds) {
    throw new ClipRejectedError(422, `Voice messages can be at most ${CLIP_LIMITS.maxSeconds} seconds.`);
  }
  if (seconds < CLIP_LIMITS.minSeconds) throw new ClipRejectedError(422, 'The recording is too short. Hold the microphone button while you speak.');
  return { bytes, mediaType, seconds };
}
