import { randomBytes } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { receiveUpload } from '@/app/api/knowledge/documents/receive-upload';
import { closeDatabase, type Database, getDatabase } from '@/db/client';
import { closeQueue } from '@/db/queue';
import { knowledgeDocuments } from '@/db/schema';
import { createTeam, type Team } from '../helpers/team';

// The upload route's handler with a real database; the session is what Auth.js would give.
// KNOWLEDGE_MAX_UPLOAD_MB is the default 20: 20 MB per file, 100 MB per request.
const MB = 1_048_576;
const FILE_LIMIT = 20 * MB;
const BOUNDARY = '----upload-test-boundary';

type Part = { name: string; fileName?: string; bytes: Buffer };

const partHead = (part: Part) =>
  Buffer.from(
    `--${BOUNDARY}\r\nContent-Disposition: form-data; name="${part.name}"${part.fileName ? `; filename="${part.fileName}"` : ''}\r\n` +
      (part.fileName ? 'Content-Type: application/octet-stream\r\n' : '') +
      '\r\n',
  );
const closing = Buffer.from(`--${BOUNDARY}--\r\n`);

function multipart(parts: Part[]): Buffer {
  return Buffer.concat([...parts.flatMap((part) => [partHead(part), part.bytes, Buffer.from('\r\n')]), closing]);
}

const file = (fileName: string, bytes: Buffer | string): Part => ({ name: 'files', fileName, bytes: Buffer.from(bytes) });
const text = (size: number) => Buffer.alloc(size, 'All work and no play. ');

/** A body that streams `source` in 64 KB chunks and counts how much of it was read. */
function countingStream(source: Buffer | (() => Buffer | null)) {
  let read = 0;
  let offset = 0;
  const next = typeof source === 'function' ? source : () => (offset < source.length ? source.subarray(offset, (offset += 64 * 1024)) : null);
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      const chunk = next();
      if (!chunk) return controller.close();
      read += chunk.length;
      controller.enqueue(new Uint8Array(chunk));
    },
  });
  return { stream, read: () => read };
}

/** A body whose first byte never arrives: a handler that waits for it never answers. */
const silentStream = () => new ReadableStream<Uint8Array>({ pull: () => new Promise(() => {}) });

function post(body: ReadableStream<Uint8Array> | Buffer, headers: Record<string, string> = {}) {
  return new Request('http://localhost/api/knowledge/documents', {
    method: 'POST',
    headers: { 'content-type': `multipart/form-data; boundary=${BOUNDARY}`, ...headers },
    body,
    duplex: 'half',
  } as RequestInit);
}

/** Answers within a few seconds or fails: proof that the handler did not wait for the body. */
const promptly = <T,>(promise: Promise<T>) =>
  Promise.race([promise, new Promise<never>((_, reject) => setTimeout(() => reject(new Error('the handler waited for the body')), 5000))]);

describe('knowledge upload route', () => {
  let db: Database;
  let team: Team;
  let admin: { userId: string; tenantId: string };
  beforeAll(async () => {
    ({ db } = await getDatabase());
    team = await createTeam(db);
    admin = { userId: team.users.admin, tenantId: team.tenantId };
  });
  afterAll(async () => {
    await closeQueue();
    await closeDatabase();
  });

  const documentsNamed = (fileName: string) =>
    db.select().from(knowledgeDocuments).where(and(eq(knowledgeDocuments.tenantId, team.tenantId), eq(knowledgeDocuments.fileName, fileName)));

  it('answers 401 to a signed-out request without reading its body', async () => {
    const response = await promptly(receiveUpload(null, post(silentStream())));
    expect(response.status).toBe(401);
    expect((await response.json()).message).toMatch(/Sign in/);
  });

  it("answers 403 to a member, and to someone outside the workspace, without reading the body", async () => {
    const member = await promptly(receiveUpload({ userId: team.users.member, tenantId: team.tenantId }, post(silentStream())));
    expect(member.status).toBe(403);
    expect((await member.json()).message).toMatch(/owners and admins/);
    const outsider = await createTeam(db, 'Outsider');
    const stranger = await promptly(receiveUpload({ userId: outsider.users.owner, tenantId: team.tenantId }, post(silentStream())));
    expect(stranger.status).toBe(403);
  });

  it('refuses by the declared Content-Length before reading the body, with the limit in words', async () => {
    const response = await promptly(receiveUpload(admin, post(silentStream(), { 'content-length': String(2 * 1024 * MB) })));
    expect(response.status).toBe(413);
    expect((await response.json()).message).toBe('This upload is larger than the 100 MB limit per request. Upload fewer files at a time.');
  });

  it('accepts a file of exactly the limit', async () => {
    const body = multipart([file('at-the-limit.txt', text(FILE_LIMIT))]);
    const response = await receiveUpload(admin, post(body, { 'content-length': String(body.length) }));
    expect(response.status, JSON.stringify(await response.clone().json())).toBe(201);
    const [document] = await documentsNamed('at-the-limit.txt');
    expect(document).toMatchObject({ sizeBytes: FILE_LIMIT, status: 'queued' });
  });

  it('refuses a file one byte over the limit with 413, the limit in words, and stores nothing', async () => {
    const body = multipart([file('small.txt', 'Opening hours: 9 to 5.'), file('one-byte-over.txt', text(FILE_LIMIT + 1))]);
    const response = await receiveUpload(admin, post(body, { 'content-length': String(body.length) }));
    expect(response.status).toBe(413);
    expect((await response.json()).message).toBe('“one-byte-over.txt” is larger than the 20 MB limit per file.');
    expect(await documentsNamed('one-byte-over.txt')).toHaveLength(0);
    expect(await documentsNamed('small.txt')).toHaveLength(0);
  });

  it('stops reading a body that is larger than its Content-Length says', async () => {
    // Declares 1 KB, then streams a 200 MB file: the running cap, not the header, decides.
    const head = partHead(file('liar.txt', ''));
    let sent = 0;
    const chunk = text(64 * 1024);
    const body = countingStream(() => {
      if (sent === 0) return (sent = head.length), head;
      if (sent > 200 * MB) return null;
      sent += chunk.length;
      return chunk;
    });
    const response = await receiveUpload(admin, post(body.stream, { 'content-length': '1024' }));
    expect(response.status).toBe(413);
    expect((await response.json()).message).toContain('20 MB limit per file');
    // Refused as the limit was crossed (busboy buffers a little), not after the whole body.
    expect(body.read()).toBeLessThan(FILE_LIMIT + 2 * MB);
    expect(await documentsNamed('liar.txt')).toHaveLength(0);
  });

  it('caps the whole request, even when each file is under the limit', async () => {
    const each = text(18 * MB);
    const parts = Array.from({ length: 6 }, (_, i) => file(`part-${i}.txt`, each));
    const body = countingStream(multipart(parts));
    const response = await receiveUpload(admin, post(body.stream));
    expect(response.status).toBe(413);
    expect((await response.json()).message).toContain('100 MB limit per request');
    expect(body.read()).toBeLessThan(102 * MB);
  });

  it.each([
    ['a JSON body', post(Buffer.from('{"files":[]}'), { 'content-type': 'application/json' }), 400, /multipart\/form-data/],
    ['no files', post(multipart([{ name: 'category', bytes: Buffer.from('billing') }])), 400, /at least one file/],
    ['a body cut off in the middle of a file', post(Buffer.concat([partHead(file('cut.txt', '')), text(5000)])), 400, /cut off/],
    ['garbage instead of multipart', post(randomBytes(4096)), 400, /cut off|not a valid multipart/],
    ['too many tags', post(multipart([{ name: 'tags', bytes: Buffer.from(Array.from({ length: 21 }, (_, i) => `t${i}`).join(',')) }, file('a.txt', 'Hello there.')])), 422, /At most 20 tags/],
    ['an over-long field', post(multipart([{ name: 'category', bytes: text(5000) }, file('a.txt', 'Hello there.')])), 400, /too long/],
    ['51 files', post(multipart(Array.from({ length: 51 }, (_, i) => file(`f${i}.txt`, 'Hello there.')))), 400, /at most 50 files/],
  ])('answers %s with a 4xx and a message', async (_name, request, status, message) => {
    const response = await receiveUpload(admin, request);
    expect(response.status).toBe(status);
    expect((await response.json()).message).toMatch(message);
  });

  it('explains files it cannot take and stores the rest, with category and tags', async () => {
    const body = multipart([
      { name: 'category', bytes: Buffer.from('Support') },
      { name: 'tags', bytes: Buffer.from('Hours, EU, hours') },
      file('hours.md', '# Hours\n\nOpen 9 to 5.'),
      file('empty.txt', ''),
      file('photo.png', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0])),
    ]);
    const response = await receiveUpload(admin, post(body));
    expect(response.status).toBe(201);
    const payload = await response.json();
    expect(payload.documents).toHaveLength(1);
    expect(payload.rejected).toEqual([
      { fileName: 'empty.txt', reason: 'The file is empty.' },
      { fileName: 'photo.png', reason: expect.stringContaining('Images are not supported') },
    ]);
    expect((await documentsNamed('hours.md'))[0]).toMatchObject({ category: 'Support', tags: ['hours', 'eu'], mimeType: 'text/markdown' });
  });

  it('answers 422 when no file could be taken', async () => {
    const response = await receiveUpload(admin, post(multipart([file('empty.txt', '')])));
    expect(response.status).toBe(422);
    expect((await response.json()).rejected).toEqual([{ fileName: 'empty.txt', reason: 'The file is empty.' }]);
  });
});
