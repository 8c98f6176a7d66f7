import zlib from 'node:zlib';

// A DOCX is a ZIP archive; a few kilobytes of it can inflate to gigabytes (a "zip bomb"). Before
// mammoth inflates anything, the parts it reads (XML and relationships) are checked twice: the
// sizes their headers declare, and the bytes they really inflate to, counted while inflating and
// stopped at the limit. Headers can lie; the second check is the one that holds.

export class ZipExpansionError extends Error {
  constructor(readonly limitBytes: number) {
    super(`This file expands to more than ${Math.round(limitBytes / 1_048_576)} MB when unpacked, more than a document can be read with.`);
    this.name = 'ZipExpansionError';
  }
}

export class ZipFormatError extends Error {}

type Entry = { name: string; method: number; compressedSize: number; declaredSize: number; localHeaderOffset: number };

const END_OF_DIRECTORY = 0x06054b50;
const ZIP64_END_LOCATOR = 0x07064b50;
const ZIP64_END_OF_DIRECTORY = 0x06064b50;
const DIRECTORY_ENTRY = 0x02014b50;
const LOCAL_HEADER = 0x04034b50;
const MAX_32 = 0xffffffff;

function readBigSize(bytes: Buffer, offset: number): number {
  const value = bytes.readBigUInt64LE(offset);
  if (value > BigInt(Number.MAX_SAFE_INTEGER)) throw new ZipFormatError('size out of range');
  return Number(value);
}

function directoryEntries(bytes: Buffer): Entry[] {
  // The end-of-directory record is in the last 22 + 65,535 (comment) bytes.
  let end = -1;
  for (let i = bytes.length - 22; i >= Math.max(0, bytes.length - 22 - 65_535); i--) {
    if (bytes.readUInt32LE(i) === END_OF_DIRECTORY) {
      end = i;
      break;
    }
  }
  if (end < 0) throw new ZipFormatError('no end of central directory');
  let count = bytes.readUInt16LE(end + 10);
  let offset = bytes.readUInt32LE(end + 16);
  if ((count === 0xffff || offset === MAX_32) && end >= 20 && bytes.readUInt32LE(end - 20) === ZIP64_END_LOCATOR) {
    const record = readBigSize(bytes, end - 12);
    if (record + 56 > bytes.length || bytes.readUInt32LE(record) !== ZIP64_END_OF_DIRECTORY) throw new ZipFormatError('bad zip64 record');
    count = readBigSize(bytes, record + 32);
    offset = readBigSize(bytes, record + 48);
  }
  const entries: Entry[] = [];
  for (let i = 0; i < count; i++) {
    if (offset + 46 > bytes.length || bytes.readUInt32LE(offset) !== DIRECTORY_ENTRY) throw new ZipFormatError('bad central directory');
    const nameLength = bytes.readUInt16LE(offset + 28);
    const extraLength = bytes.readUInt16LE(offset + 30);
    const commentLength = bytes.readUInt16LE(offset + 32);
    const entry: Entry = {
      name: bytes.toString('utf8', offset + 46, offset + 46 + nameLength),
      method: bytes.readUInt16LE(offset + 10),
      compressedSize: bytes.readUInt32LE(offset + 20),
      declaredSize: bytes.readUInt32LE(offset + 24),
      localHeaderOffset: bytes.readUInt32LE(offset + 42),
    };
    // ZIP64: the 32-bit fields that overflowed are in extra field 0x0001, in this order.
    let extra = offset + 46 + nameLength;
    const extraEnd = extra + extraLength;
    while (extra + 4 <= extraEnd) {
      const id = bytes.readUInt16LE(extra);
      const size = bytes.readUInt16LE(extra + 2);
      if (id === 0x0001) {
        let field = extra + 4;
        for (const key of ['declaredSize', 'compressedSize', 'localHeaderOffset'] as const) {
          if (entry[key] === MAX_32 && field + 8 <= extra + 4 + size) {
            entry[key] = readBigSize(bytes, field);
            field += 8;
          }
        }
      }
      extra += 4 + size;
    }
    entries.push(entry);
    offset += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

/** The parts mammoth parses: the document, its styles, numbering, notes, headers and their relationships. */
const isParsedPart = (name: string) => /\.(xml|rels)$/i.test(name);

/**
 * Throws ZipExpansionError if the parts of the archive that will be parsed declare, or really
 * inflate to, more than `limitBytes` in total; ZipFormatError if it is not a readable ZIP.
 * Never holds more than one part inflated, and never inflates past the limit.
 */
export function assertZipExpandsWithin(bytes: Buffer, limitBytes: number): void {
  const entries = directoryEntries(bytes).filter((entry) => isParsedPart(entry.name));
  const declared = entries.reduce((sum, entry) => sum + entry.declaredSize, 0);
  if (declared > limitBytes) throw new ZipExpansionError(limitBytes);
  let inflated = 0;
  for (const entry of entries) {
    const header = entry.localHeaderOffset;
    if (header + 30 > bytes.length || bytes.readUInt32LE(header) !== LOCAL_HEADER) throw new ZipFormatError('bad local header');
    const start = header + 30 + bytes.readUInt16LE(header + 26) + bytes.readUInt16LE(header + 28);
    const data = bytes.subarray(start, start + entry.compressedSize);
    if (entry.method === 0) {
      inflated += data.length;
    } else if (entry.method === 8) {
      try {
        inflated += zlib.inflateRawSync(data, { maxOutputLength: limitBytes - inflated + 1 }).length;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') throw new ZipExpansionError(limitBytes);
        throw new ZipFormatError('bad deflate data');
      }
    } else {
      throw new ZipFormatError(`unsupported compression method ${entry.method}`);
    }
    if (inflated > limitBytes) throw new ZipExpansionError(limitBytes);
  }
}
