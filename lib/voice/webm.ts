import { UnsupportedAudioError } from './wav';

// Reads just enough of a WebM file (Matroska's EBML) to vouch for an uploaded voice clip before
// any speech service is paid to hear it: the header says WebM, the one track is Opus, and the
// blocks' timecodes give its real length. Browsers' MediaRecorder writes live WebM: the
// Segment and its Clusters have "unknown" sizes and no Duration, so the length comes from the
// last block. Dependency-free; never decodes audio.

const EBML = 0x1a45dfa3;
const DOC_TYPE = 0x4282;
const SEGMENT = 0x18538067;
const INFO = 0x1549a966;
const TIMECODE_SCALE = 0x2ad7b1;
const DURATION = 0x4489;
const TRACKS = 0x1654ae6b;
const TRACK_ENTRY = 0xae;
const CODEC_ID = 0x86;
const CLUSTER = 0x1f43b675;
const CLUSTER_TIMECODE = 0xe7;
const SIMPLE_BLOCK = 0xa3;
const BLOCK_GROUP = 0xa0;
const BLOCK = 0xa1;

/** Elements read into (their children matter), even when their size is unknown. */
const MASTERS = new Set([SEGMENT, INFO, TRACKS, TRACK_ENTRY, CLUSTER, BLOCK_GROUP]);
/** The last block's own length is not in the file: Opus packets are 20 ms or more (Chromium writes 60 ms blocks), so at least this. */
const LAST_BLOCK_SECONDS = 0.02;

export type WebmAudio = { codec: string; seconds: number; blocks: number };

function readVint(bytes: Uint8Array, offset: number, keepMarker: boolean): { value: number; length: number; unknown: boolean } {
  const first = bytes[offset];
  if (first === undefined || first === 0) throw new UnsupportedAudioError('The audio file is damaged (bad element header).');
  const length = Math.clz32(first) - 23;
  if (length > 8 || offset + length > bytes.length) throw new UnsupportedAudioError('The audio file is damaged (truncated element header).');
  let value = keepMarker ? first : first & (0xff >> length);
  let allOnes = value === 0xff >> length;
  for (let i = 1; i < length; i++) {
    const byte = bytes[offset + i]!;
    allOnes &&= byte === 0xff;
    value = value * 256 + byte;
  }
  return { value, length, unknown: !keepMarker && allOnes };
}

function readUint(bytes: Uint8Array, start: number, size: number): number {
  let value = 0;
  for (let i = 0; i < size; i++) value = value * 256 + bytes[start + i]!;
  return value;
}

/** Validates a WebM audio clip and measures it; throws UnsupportedAudioError when it is not one. */
export function readWebmAudio(file: Uint8Array): WebmAudio {
  if (file.length < 4 || readUint(file, 0, 4) !== EBML) throw new UnsupportedAudioError('Not a WebM file.');
  const view = new DataView(file.buffer, file.byteOffset, file.byteLength);
  let docType = '';
  let codec = '';
  let scale = 1_000_000; // nanoseconds per timecode unit (the default: milliseconds)
  let declaredDuration: number | undefined;
  let clusterTime = 0;
  let lastBlock = -1;
  let blocks = 0;
  let offset = 0;
  while (offset < file.length) {
    const id = readVint(file, offset, true);
    const size = readVint(file, offset + id.length, false);
    const body = offset + id.length + size.length;
    if (MASTERS.has(id.value)) {
      offset = body; // descend: children follow (an unknown size just runs on)
      continue;
    }
    if (size.unknown) throw new UnsupportedAudioError('The audio file is damaged (element of unknown size).');
    const end = body + size.value;
    // A recording cut off mid-block (the last bytes of a stream) is still a usable clip.
    const complete = end <= file.length;
    if (id.value === EBML) {
      // The header's children: only DocType matters.
      let child = body;
      while (child < Math.min(end, file.length)) {
        const childId = readVint(file, child, true);
        const childSize = readVint(file, child + childId.length, false);
        const childBody = child + childId.length + childSize.length;
        if (childId.value === DOC_TYPE) docType = new TextDecoder().decode(file.subarray(childBody, childBody + childSize.value));
        child = childBody + childSize.value;
      }
    } else if (id.value === TIMECODE_SCALE && complete) scale = readUint(file, body, size.value);
    else if (id.value === DURATION && complete) declaredDuration = size.value === 4 ? view.getFloat32(body) : size.value === 8 ? view.getFloat64(body) : undefined;
    else if (id.value === CODEC_ID && complete) codec = new TextDecoder().decode(file.subarray(body, end)).replace(/\0+$/, '');
    else if (id.value === CLUSTER_TIMECODE && complete) clusterTime = readUint(file, body, size.value);
    else if ((id.value === SIMPLE_BLOCK || id.value === BLOCK) && body + 4 <= file.length) {
      const track = readVint(file, body, false);
      const relative = view.getInt16(body + track.length);
      lastBlock = Math.max(lastBlock, clusterTime + relative);
      blocks++;
    }
    if (!complete) break;
    offset = end;
  }
  if (docType !== 'webm') throw new UnsupportedAudioError('Not a WebM file.');
  if (!codec) throw new UnsupportedAudioError('The WebM file has no audio track.');
  if (codec !== 'A_OPUS') throw new UnsupportedAudioError(`Only Opus audio is accepted (this clip is ${codec}).`);
  if (blocks === 0) throw new UnsupportedAudioError('The audio file holds no sound.');
  const fromBlocks = (lastBlock * scale) / 1e9 + LAST_BLOCK_SECONDS;
  const fromHeader = declaredDuration === undefined ? 0 : (declaredDuration * scale) / 1e9;
  return { codec, seconds: Math.max(fromBlocks, fromHeader), blocks };
}
