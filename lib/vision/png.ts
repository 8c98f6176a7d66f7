import { crc32, deflateSync } from 'node:zlib';

// A minimal PNG encoder for RGBA frames (a shared screen grabbed from a video track), so a
// frame can go to a vision model without an image library. Frames wider than MAX_WIDTH are
// scaled down first: vision models downscale large images anyway, and bill by size.

export const MAX_FRAME_WIDTH = 1280;

export type RgbaFrame = { width: number; height: number; data: Uint8Array };

/** Nearest-neighbour downscale to at most `maxWidth` pixels wide, keeping the aspect ratio. */
export function downscale(frame: RgbaFrame, maxWidth = MAX_FRAME_WIDTH): RgbaFrame {
  if (frame.width <= maxWidth) return frame;
  const width = maxWidth;
  const height = Math.max(1, Math.round((frame.height * maxWidth) / frame.width));
  const data = new Uint8Array(width * height * 4);
  for (let y = 0; y < height; y++) {
    const sy = Math.min(frame.height - 1, Math.floor((y * frame.height) / height));
    for (let x = 0; x < width; x++) {
      const sx = Math.min(frame.width - 1, Math.floor((x * frame.width) / width));
      const from = (sy * frame.width + sx) * 4;
      data.set(frame.data.subarray(from, from + 4), (y * width + x) * 4);
    }
  }
  return { width, height, data };
}

function chunk(type: string, body: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(body.length);
  const typed = Buffer.concat([Buffer.from(type, 'ascii'), body]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(typed));
  return Buffer.concat([length, typed, crc]);
}

export function encodePng(frame: RgbaFrame): Buffer {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(frame.width, 0);
  header.writeUInt32BE(frame.height, 4);
  header[8] = 8; // bits per channel
  header[9] = 6; // RGBA
  const stride = frame.width * 4;
  const raw = Buffer.alloc((stride + 1) * frame.height);
  for (let y = 0; y < frame.height; y++) {
    raw[y * (stride + 1)] = 0; // no filter
    raw.set(frame.data.subarray(y * stride, (y + 1) * stride), y * (stride + 1) + 1);
  }
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', header), chunk('IDAT', deflateSync(raw)), chunk('IEND', Buffer.alloc(0))]);
}
