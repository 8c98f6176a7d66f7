import { fork } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeDatabase, type Database, getDatabase } from '@/db/client';
import { createDocument } from '@/db/queries/knowledge';
import { closeQueue } from '@/db/queue';
import { knowledgeDocuments } from '@/db/schema';
import { withTenantId } from '@/db/withTenant';
import { ExtractionError } from '@/lib/knowledge/extract';
import { extractDocumentIsolated } from '@/lib/knowledge/extract-isolated';
import { localEmbedder } from '@/lib/knowledge/embedders';
import { ingestDocument } from '@/lib/knowledge/ingest';
import { createTeam } from '../helpers/team';
import { buildExtractionChild } from '@/lib/knowledge/build-extraction-child';
import { buildCjkPdf, buildDeeplyNestedPdf, buildDocx, buildDocxBomb, buildPdfWithBrokenPages } from './fixtures';

// Hostile documents are read in a child process: they end as failed with an honest reason, and
// this process (the web server, in production) keeps answering while they are being read.

let server: Server;
let port: number;

/** Extracts while an HTTP request to this process is made; says which finished first. */
async function extractWhileServing(bytes: Uint8Array, fileName: string) {
  let extractionSettledAt = Number.POSITIVE_INFINITY;
  const extraction = extractDocumentIsolated(bytes, fileName).finally(() => (extractionSettledAt = performance.now()));
  extraction.catch(() => {});
  await new Promise((resolve) => setTimeout(resolve, 100));
  const answeredAt = await new Promise<number>((resolve, reject) => {
    httpRequest({ host: '127.0.0.1', port, path: '/health' }, (response) => {
      response.resume();
      response.on('end', () => resolve(performance.now()));
    }).on('error', reject).end();
  });
  const outcome = await extraction.then(
    (result) => ({ result, error: undefined }),
    (error: Error) => ({ result: undefined, error }),
  );
  return { ...outcome, answeredWhileReading: answeredAt < extractionSettledAt };
}

beforeAll(async () => {
  server = createServer((_request, response) => response.end('ok'));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe('extraction in a child process', () => {
  it('reads an ordinary DOCX', async () => {
    const { text } = await extractDocumentIsolated(await buildDocx(), 'policy.docx');
    expect(text).toContain('# Warranty policy');
  });

  it('reads a PDF page by page, with CJK character maps found from the extraction process', async () => {
    const japanese = await extractDocumentIsolated(buildCjkPdf('japanese', ['返品は三十日以内に受け付けます。']), 'ja.pdf');
    expect(japanese.text).toContain('返品は三十日以内に受け付けます。');
    const broken = await extractDocumentIsolated(buildPdfWithBrokenPages(['Page one.', 'Page two.'], [1]), 'broken.pdf');
    expect(broken).toMatchObject({ text: 'Page two.', skippedPages: [1] });
  });

  it("works as the bundle `next build` makes (dist/), finding pdf.js's character maps from there", async () => {
    // Beside the real bundle, so pdfjs-dist is resolved from the same place as in production.
    const bundle = path.resolve('dist', `extraction-child.test-${process.pid}.mjs`);
    await buildExtractionChild({ outfile: bundle });
    try {
      const child = fork(bundle, [], { serialization: 'advanced', stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
      const reply = await new Promise<{ ok: boolean; result?: { text: string } }>((resolve, reject) => {
        child.once('message', resolve);
        child.once('error', reject);
        child.send({ bytes: buildCjkPdf('korean', ['반품은 삼십일 이내에 가능합니다.']), fileName: 'ko.pdf' });
      });
      expect(reply.ok).toBe(true);
      expect(reply.result!.text.replace(/\s+/g, '')).toContain('반품은삼십일이내에가능합니다.');
    } finally {
      await rm(bundle, { force: true });
    }
  });

  it.each([
    ['300 MB, as reproduced on the running app', 300, false],
    ['700 MB, once refused as "damaged"', 700, false],
    ['1 GB, its headers claiming 1 KB', 1024, true],
    ['40 MB, just over the limit, its headers claiming 1 KB', 40, true],
  ])('fails a DOCX bomb inflating to %s with the reason, while the server keeps answering', async (_name, megabytes, lie) => {
    const bomb = await buildDocxBomb(megabytes, { lie });
    expect(bomb.length).toBeLessThan(4 * 1_048_576);
    const { error, answeredWhileReading } = await extractWhileServing(bomb, 'bomb.docx');
    expect(error).toBeInstanceOf(ExtractionError);
    expect(error!.message).toBe('This file expands to more than 16 MB when unpacked, more than a document can be read with.');
    expect(answeredWhileReading).toBe(true);
  });

  it('fails a deeply nested PDF with a reason, while the server keeps answering', async () => {
    const { error, answeredWhileReading } = await extractWhileServing(buildDeeplyNestedPdf(200_000), 'nested.pdf');
    expect(error).toBeInstanceOf(ExtractionError);
    expect(error!.message).toBe('This file is nested too deeply to be read.');
    expect(answeredWhileReading).toBe(true);
  });
});

describe('ingesting a bomb', () => {
  let db: Database;
  beforeAll(async () => {
    ({ db } = await getDatabase());
  });
  afterAll(async () => {
    await closeQueue();
    await closeDatabase();
  });

  it('ends the document as failed with the reason, for good (no retry)', async () => {
    const { tenantId } = await createTeam(db);
    const bomb = await buildDocxBomb(300);
    const document = await withTenantId(tenantId, (tx) =>
      createDocument(tx, { tenantId, title: 'bomb', sourceType: 'upload', fileName: 'bomb.docx', sizeBytes: bomb.length }, bomb),
    );
    const outcome = await ingestDocument(tenantId, document.id, localEmbedder);
    expect(outcome).toEqual({ status: 'failed', reason: 'This file expands to more than 16 MB when unpacked, more than a document can be read with.' });
    const [row] = await db.select().from(knowledgeDocuments).where(eq(knowledgeDocuments.id, document.id));
    expect(row).toMatchObject({ status: 'failed', statusReason: outcome.status === 'failed' ? outcome.reason : '' });
  });
});
