import 'server-only';
import { type ChildProcess, fork, type ForkOptions } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type ExtractedDocument, ExtractionError } from './extract';
import { EXTRACTION_CHILD_BUNDLE, EXTRACTION_CHILD_SOURCE } from './extraction-child-path';

// Runs extraction in a child process with its own heap limit and a deadline, so a hostile or
// huge file (a DOCX bomb, a PDF that sends the parser into deep recursion) can exhaust only
// that process. A worker thread is not enough: V8 aborts the whole process on some
// out-of-memory paths even inside a worker with resourceLimits (seen here, and nodejs/node#47224).

export const EXTRACTION_LIMITS = {
  /** Heap of the extraction process: a 16 MB DOCX (the most it may unpack to) needs under 700 MB. */
  memoryMb: 1024,
  /** mammoth reads about 3 s per MB of document XML on this 2-core machine under load (97 s for 12 MB). */
  timeMs: 180_000,
};

/**
 * The extraction process's code. Inside Next.js (`next start`, `next dev`, the standalone Docker
 * image) it is the esbuild bundle that next.config.ts builds beside the app, found from the
 * working directory the server runs in. Elsewhere (`npm run worker` under tsx, Vitest) it is the
 * TypeScript source, run through tsx from the project root.
 */
function extractionChild(): { modulePath: string; execArgv: string[]; cwd: string } {
  if (process.env.NEXT_RUNTIME) {
    return { modulePath: path.join(process.cwd(), EXTRACTION_CHILD_BUNDLE), execArgv: [], cwd: process.cwd() };
  }
  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
  return { modulePath: path.join(root, EXTRACTION_CHILD_SOURCE), execArgv: ['--import', 'tsx', '--conditions=react-server'], cwd: root };
}

type Reply = { ok: true; result: ExtractedDocument } | { ok: false; message: string };

/**
 * extractDocument in a child process. Files that cannot be read end in an ExtractionError (never
 * retried, so a bomb cannot become a crash loop): the file's own reason, or running out of memory
 * or time. Only a failure to start the process is a plain error, for the queue to retry.
 */
export function extractDocumentIsolated(bytes: Uint8Array, fileName = ''): Promise<ExtractedDocument> {
  const { modulePath, execArgv, cwd } = extractionChild();
  const options: ForkOptions = {
    cwd,
    execArgv: [...execArgv, `--max-old-space-size=${EXTRACTION_LIMITS.memoryMb}`],
    serialization: 'advanced',
    stdio: ['ignore', 'inherit', 'pipe', 'ipc'],
  };
  // Called indirectly: Turbopack resolves a direct fork(path) at build time as a module to bundle,
  // and this path is a file that exists only at run time.
  const child: ChildProcess = Reflect.apply(fork, undefined, [modulePath, [], options]);
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4096);
  });
  return new Promise<ExtractedDocument>((resolve, reject) => {
    let settled = false;
    const finish = (settle: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(deadline);
      child.kill('SIGKILL');
      settle();
    };
    const deadline = setTimeout(
      () => finish(() => reject(new ExtractionError(`Reading this file took longer than ${EXTRACTION_LIMITS.timeMs / 1000} seconds, the limit for one document.`))),
      EXTRACTION_LIMITS.timeMs,
    );
    child.on('message', (reply: Reply) =>
      finish(() => (reply.ok ? resolve(reply.result) : reject(new ExtractionError(reply.message)))),
    );
    child.on('error', (error) => finish(() => reject(error)));
    // 'close', not 'exit': a process that answered and exited may be seen to exit before its
    // answer is read from the IPC channel (it happened under load); 'close' comes after both.
    child.on('close', (code, signal) =>
      finish(() => {
        const outOfMemory = /heap out of memory|Allocation failed|out of memory/i.test(stderr) || signal === 'SIGKILL';
        if (!outOfMemory) console.error(`The extraction process stopped (${signal ?? `exit code ${code}`}):`, stderr);
        reject(
          new ExtractionError(
            outOfMemory
              ? `Reading this file needs more than ${EXTRACTION_LIMITS.memoryMb} MB of memory, the limit for one document.`
              : `The document reader stopped unexpectedly on this file (${signal ?? `exit code ${code}`}).`,
          ),
        );
      }),
    );
    child.send({ bytes, fileName });
  });
}
