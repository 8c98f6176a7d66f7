// Builds WebM files shaped like a browser's MediaRecorder output (live: Segment and Clusters of
// unknown size, no Duration; one Opus track; 20 ms SimpleBlocks), so routes can be tested with
// clips of any length without a browser. The Opus payloads are filler: nothing here decodes
// audio (the speech server stand-in reports the length from the blocks, as a real one would
// from the decoded audio).

const UNKNOWN_SIZE = Uint8Array.of(0x01, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff);

function idBytes(id: number): Uint8Array {
  const bytes: number[] = [];
  for (let value = id; value > 0; value = Math.floor(value / 256)) bytes.unshift(value & 0xff);
  return Uint8Array.from(bytes);
}

function sizeBytes(size: number): Uint8Array {
  // 8-byte sizes: simple, and valid EBML.
  const bytes = new Uint8Array(8);
  bytes[0] = 0x01;
  let value = size;
  for (let i = 7; i > 0; i--) {
    bytes[i] = value & 0xff;
    value = Math.floor(value / 256);
  }
  return bytes;
}

const concat = (...parts: Uint8Array[]) => {
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
};

const element = (id: number, ...body: Uint8Array[]) => {
  const content = concat(...body);
  return concat(idBytes(id), sizeBytes(content.length), content);
};
const uint = (id: number, value: number, width = 4) => {
  const bytes = new Uint8Array(width);
  for (let i = width - 1, v = value; i >= 0; i--, v = Math.floor(v / 256)) bytes[i] = v & 0xff;
  return element(id, bytes);
};
const text = (id: number, value: string) => element(id, new TextEncoder().encode(value));

export function buildWebm({ seconds, codec = 'A_OPUS', docType = 'webm' }: { seconds: number; codec?: string; docType?: string }): Buffer {
  const header = element(0x1a45dfa3, uint(0x4286, 1, 1), text(0x4282, docType), uint(0x4287, 4, 1), uint(0x4285, 2, 1));
  const info = element(0x1549a966, uint(0x2ad7b1, 1_000_000), text(0x4d80, 'test'));
  const tracks = element(0x1654ae6b, element(0xae, uint(0xd7, 1, 1), uint(0x83, 2, 1), text(0x86, codec)));
  const parts: Uint8Array[] = [header, idBytes(0x18538067), UNKNOWN_SIZE, info, tracks];
  const blockMs = 20;
  const totalBlocks = Math.max(1, Math.round((seconds * 1000) / blockMs));
  const perCluster = 500; // 10 s: relative timecodes stay far inside int16
  for (let first = 0; first < totalBlocks; first += perCluster) {
    const clusterTime = first * blockMs;
    parts.push(idBytes(0x1f43b675), UNKNOWN_SIZE, uint(0xe7, clusterTime));
    for (let block = first; block < Math.min(totalBlocks, first + perCluster); block++) {
      const relative = block * blockMs - clusterTime;
      parts.push(element(0xa3, Uint8Array.of(0x81, (relative >> 8) & 0xff, relative & 0xff, 0x80), new Uint8Array(40).fill(0x5a)));
    }
  }
  return Buffer.from(concat(...parts));
}
