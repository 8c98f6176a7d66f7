import 'server-only';
import busboy from 'busboy';

// Reads a multipart upload part by part with running caps, so no request can make the server
// hold more than the limits allow, whatever its Content-Length says.

export class UploadRefusedError extends Error {
  constructor(
    readonly status: 400 | 413,
    message: string,
  ) {
    super(message);
    this.name = 'UploadRefusedError';
  }
}

export type UploadLimits = {
  /** Per file, counted as the bytes arrive. */
  maxFileBytes: number;
  maxFiles: number;
  /** The whole body: files, fields and multipart framing. */
  maxRequestBytes: number;
};

export type ReceivedUpload = { files: Array<{ fileName: string; bytes: Buffer }>; fields: Map<string, string> };

/** Form fields beside the files (category, tags) are short. */
const MAX_FIELDS = 20;
const MAX_FIELD_BYTES = 4096;

/**
 * After a refusal the rest of the body is read and thrown away for this long, so the client
 * finishes sending and reads the 413 instead of seeing its connection reset; then it is cut off.
 * 15 s covers a body a few MB over the limit on a slow uplink.
 */
const DISCARD_AFTER_REFUSAL_MS = 15_000;

export const megabytes = (bytes: number) => `${Number((bytes / 1_048_576).toFixed(1))} MB`;

const tooLargeForRequest = (limits: UploadLimits) =>
  new UploadRefusedError(413, `This upload is larger than the ${megabytes(limits.maxRequestBytes)} limit per request. Upload fewer files at a time.`);

/** Refuses, before a byte of the body is read, what is not multipart or declares more than the limit. */
export function checkUploadHeaders(request: Request, limits: UploadLimits): void {
  const contentType = request.headers.get('content-type') ?? '';
  if (!/^multipart\/form-data\s*;.*boundary=/i.test(contentType) || !request.body) {
    throw new UploadRefusedError(400, 'Send the files as multipart/form-data.');
  }
  const declared = Number(request.headers.get('content-length') ?? Number.NaN);
  if (declared > limits.maxRequestBytes) throw tooLargeForRequest(limits);
}

/** Reads what is left of a refused body without keeping it, for a while, then cuts it off. */
function discardRest(reader: ReadableStreamDefaultReader<Uint8Array>): void {
  const deadline = setTimeout(() => void reader.cancel().catch(() => {}), DISCARD_AFTER_REFUSAL_MS);
  deadline.unref?.();
  void (async () => {
    try {
      while (!(await reader.read()).done);
    } catch {
      // The client went away: nothing left to discard.
    } finally {
      clearTimeout(deadline);
    }
  })();
}

/** For a request refused before its body was read (signed out, wrong role, declared too large). */
export function discardBody(request: Request): void {
  if (request.body && !request.body.locked) discardRest(request.body.getReader());
}

/**
 * Streams the body through busboy: files of the `files` field are collected up to
 * `maxFileBytes` each, the whole body up to `maxRequestBytes`. Crossing a limit stops reading
 * at once with a 413; a malformed or truncated body is a 400.
 */
export async function readMultipartUpload(request: Request, limits: UploadLimits): Promise<ReceivedUpload> {
  checkUploadHeaders(request, limits);
  const reader = request.body!.getReader();
  const files: ReceivedUpload['files'] = [];
  const fields = new Map<string, string>();
  let refusal: UploadRefusedError | undefined;
  const refuse = (error: UploadRefusedError) => {
    refusal ??= error;
  };

  const parser = busboy({
    headers: { 'content-type': request.headers.get('content-type')! },
    // busboy signals `limit` on reaching fileSize, so one byte more: a file of exactly the limit passes.
    limits: { fileSize: limits.maxFileBytes + 1, files: limits.maxFiles, fields: MAX_FIELDS, fieldSize: MAX_FIELD_BYTES },
  });
  const parsed = new Promise<void>((resolve, reject) => {
    parser.on('file', (name, stream, info) => {
      if (name !== 'files') return void stream.resume();
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      // A truncated part errors its stream; the parser's own error says what happened.
      stream.on('error', () => {});
      stream.on('limit', () => refuse(new UploadRefusedError(413, `“${info.filename}” is larger than the ${megabytes(limits.maxFileBytes)} limit per file.`)));
      stream.on('close', () => {
        if (!refusal) files.push({ fileName: info.filename ?? 'file', bytes: Buffer.concat(chunks) });
      });
    });
    parser.on('field', (name, value, info) => {
      if (info.valueTruncated) refuse(new UploadRefusedError(400, `The form field “${name}” is too long.`));
      fields.set(name, value);
    });
    parser.on('filesLimit', () => refuse(new UploadRefusedError(400, `Upload at most ${limits.maxFiles} files at a time.`)));
    parser.on('fieldsLimit', () => refuse(new UploadRefusedError(400, 'The form has too many fields.')));
    parser.on('error', () => reject(new UploadRefusedError(400, 'The upload was cut off or is not a valid multipart form. Please try again.')));
    parser.on('close', resolve);
  });
  parsed.catch(() => {});

  let received = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      received += value.byteLength;
      if (received > limits.maxRequestBytes) refuse(tooLargeForRequest(limits));
      if (refusal) break;
      // Backpressure: busboy's buffer is full until the file streams have taken their chunks.
      if (!parser.write(value)) await Promise.race([new Promise((resolve) => parser.once('drain', resolve)), parsed]);
      if (refusal) break;
    }
  } catch (error) {
    refuse(error instanceof UploadRefusedError ? error : new UploadRefusedError(400, 'The upload was cut off before it finished. Please try again.'));
  }
  if (refusal) {
    parser.destroy();
    discardRest(reader);
    throw refusal;
  }
  parser.end();
  await parsed;
  if (refusal) throw refusal;
  return { files, fields };
}
