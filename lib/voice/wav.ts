// 16-bit PCM WAV files and mono PCM helpers, dependency-free (used on the server by the
// meeting assistant and by speech in the chat widget).

export type Pcm = { sampleRate: number; samples: Int16Array };

/** A mono 16-bit PCM WAV file. */
export function encodeWav({ sampleRate, samples }: Pcm): Buffer {
  const data = Buffer.from(samples.buffer, samples.byteOffset, samples.byteLength);
  const header = Buffer.alloc(44);
  header.write('RIFF', 0);
  header.writeUInt32LE(36 + data.length, 4);
  header.write('WAVE', 8);
  header.write('fmt ', 12);
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(1, 20); // PCM
  header.writeUInt16LE(1, 22); // mono
  header.writeUInt32LE(sampleRate, 24);
  header.writeUInt32LE(sampleRate * 2, 28);
  header.writeUInt16LE(2, 32);
  header.writeUInt16LE(16, 34);
  header.write('data', 36);
  header.writeUInt32LE(data.length, 40);
  return Buffer.concat([header, data]);
}

export class UnsupportedAudioError extends Error {}

/**
 * Reads a 16-bit PCM WAV (any rate, mono or stereo mixed down). Streaming servers often
 * write 0xFFFFFFFF as the data size: the data then runs to the end of the file.
 */
export function decodeWav(file: Buffer): Pcm {
  if (file.length < 12 || file.toString('ascii', 0, 4) !== 'RIFF' || file.toString('ascii', 8, 12) !== 'WAVE') {
    throw new UnsupportedAudioError('Not a WAV file.');
  }
  let offset = 12;
  let format: { channels: number; sampleRate: number; bits: number; codec: number } | undefined;
  while (offset + 8 <= file.length) {
    const id = file.toString('ascii', offset, offset + 4);
    const size = file.readUInt32LE(offset + 4);
    const body = offset + 8;
    if (id === 'fmt ') {
      format = { codec: file.readUInt16LE(body), channels: file.readUInt16LE(body + 2), sampleRate: file.readUInt32LE(body + 4), bits: file.readUInt16LE(body + 14) };
    } else if (id === 'data') {
      if (!format) throw new UnsupportedAudioError('WAV data before its format.');
      // 0xFFFE is WAVE_FORMAT_EXTENSIBLE, used by some servers for plain PCM.
      if ((format.codec !== 1 && format.codec !== 0xfffe) || format.bits !== 16) throw new UnsupportedAudioError('Only 16-bit PCM WAV is supported.');
      const end = Math.min(file.length, size === 0xffffffff || size === 0 ? file.length : body + size);
      const frames = Math.floor((end - body) / (2 * format.channels));
      const samples = new Int16Array(frames);
      for (let i = 0; i < frames; i++) {
        let sum = 0;
        for (let c = 0; c < format.channels; c++) sum += file.readInt16LE(body + (i * format.channels + c) * 2);
        samples[i] = Math.round(sum / format.channels);
      }
      return { sampleRate: format.sampleRate, samples };
    }
    offset = body + size + (size % 2);
  }
  throw new UnsupportedAudioError('WAV file without audio data.');
}

/** Linear-interpolation resampling: enough for speech going to recognisers and back to rooms. */
export function resample({ sampleRate, samples }: Pcm, targetRate: number): Pcm {
  if (sampleRate === targetRate || samples.length === 0) return { sampleRate, samples };
  const length = Math.max(1, Math.round((samples.length * targetRate) / sampleRate));
  const out = new Int16Array(length);
  const step = sampleRate / targetRate;
  for (let i = 0; i < length; i++) {
    const position = i * step;
    const index = Math.floor(position);
    const next = Math.min(index + 1, samples.length - 1);
    const fraction = position - index;
    out[i] = Math.round(samples[Math.min(index, samples.length - 1)]! * (1 - fraction) + samples[next]! * fraction);
  }
  return { sampleRate: targetRate, samples: out };
}

export const durationSeconds = ({ sampleRate, samples }: Pcm) => samples.length / sampleRate;
