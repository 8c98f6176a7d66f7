import 'server-only';
import sharp from 'sharp';
import type { AttachmentMediaType } from '@/db/schema';
import { MediaRejectedError } from './rejected';

// A visitor's image, checked before anything is stored or any model sees it: the type comes
// from the bytes (never the name or the declared type), the size and the pixel dimensions are
// bounded before decoding (an "image bomb" declares huge dimensions in a tiny file), and the
// picture is re-encoded so nothing but pixels survives (EXIF with GPS, camera serials, XMP,
// ICC profiles and anything appended after the image data are dropped).

export const IMAGE_LIMITS = {
  maxBytes: 5 * 1024 * 1024,
  maxSide: 4096,
  // JPEG quality of the re-encoded copy: visually lossless for screenshots and photos at a fraction of the size.
  jpegQuality: 85,
  webpQuality: 85,
} as const;

/** Why an image cannot be used. */
export class ImageRejectedError extends MediaRejectedError {}

export type CleanImage = { bytes: Buffer; mediaType: AttachmentMediaType; width: number; height: number };

/** The image type the bytes start with (PNG, JPEG or WebP signatures), whatever the file claims. */
export function sniffImageType(bytes: Uint8Array): AttachmentMediaType | undefined {
  if (bytes.length >= 8 && [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a].every((byte, i) => bytes[i] === byte)) return 'image/png';
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'image/jpeg';
  const ascii = (from: number, to: number) => String.fromCharCode(...bytes.subarray(from, to));
  if (bytes.length >= 12 && ascii(0, 4) === 'RIFF' && ascii(8, 12) === 'WEBP') return 'image/webp';
  return undefined;
}

/** Validates and re-encodes an uploaded image; throws ImageRejectedError with what was wrong. */
export async function cleanImage(bytes: Uint8Array): Promise<CleanImage> {
  if (bytes.length > IMAGE_LIMITS.maxBytes) throw new ImageRejectedError(413, 'Images can be at most 5 MB.');
  const mediaType = sniffImageType(bytes);
  if (!mediaType) throw new ImageRejectedError(415, 'That file is not a PNG, JPEG or WebP image.');
  // Reads the header only: dimensions are known before a single pixel is decoded.
  const metadata = await sharp(bytes).metadata().catch(() => undefined);
  if (!metadata?.width || !metadata.height) throw new ImageRejectedError(422, 'The image is damaged and could not be read.');
  const expected = mediaType.slice('image/'.length);
  if (metadata.format !== expected) throw new ImageRejectedError(422, 'The image is damaged and could not be read.');
  if (metadata.width > IMAGE_LIMITS.maxSide || metadata.height > IMAGE_LIMITS.maxSide || (metadata.pages ?? 1) > 1) {
    throw new ImageRejectedError(422, `Images can be at most ${IMAGE_LIMITS.maxSide} × ${IMAGE_LIMITS.maxSide} pixels (and not animated).`);
  }
  try {
    // limitInputPixels backs the header check up while decoding; rotate() applies the EXIF
    // orientation before the EXIF is dropped (sharp keeps no metadata unless asked to).
    const pipeline = sharp(bytes, { limitInputPixels: IMAGE_LIMITS.maxSide * IMAGE_LIMITS.maxSide, failOn: 'error' }).rotate();
    const encoded =
      mediaType === 'image/png'
        ? pipeline.png({ compressionLevel: 9 })
        : mediaType === 'image/jpeg'
          ? pipeline.jpeg({ quality: IMAGE_LIMITS.jpegQuality, mozjpeg: true })
          : pipeline.webp({ quality: IMAGE_LIMITS.webpQuality });
    const { data, info } = await encoded.toBuffer({ resolveWithObject: true });
    return { bytes: data, mediaType, width: info.width, height: info.height };
  } catch {
    throw new ImageRejectedError(422, 'The image is damaged and could not be read.');
  }
}
