// The extraction process: reads one document sent over IPC by extract-isolated.ts, answers with
// the text or the reason it cannot be read, and exits. Whatever a hostile file does to it
// (memory, time, a crash), it does to this process only.
import { ExtractionError, extractDocument } from './extract';

type Request = { bytes: Uint8Array; fileName: string };

/**
 * This process does no I/O but reading the bytes it was sent, so any error is the file's: the
 * same file would fail the same way again, and is not worth a retry.
 */
function reason(error: unknown): string {
  if (error instanceof ExtractionError) return error.message;
  // PDF.js passes a stack overflow on as its own error; the message is what is left of it.
  if (/Maximum call stack size exceeded/.test(String((error as Error)?.message ?? error))) return 'This file is nested too deeply to be read.';
  return `This file could not be read (${error instanceof Error ? error.message : String(error)}).`.slice(0, 300);
}

process.once('message', async (request: Request) => {
  let reply;
  try {
    reply = { ok: true, result: await extractDocument(request.bytes, request.fileName) };
  } catch (error) {
    reply = { ok: false, message: reason(error) };
  }
  process.send!(reply, () => process.exit(0));
});
