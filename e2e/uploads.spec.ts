import { connect } from 'node:net';
import { expect, test } from '@playwright/test';
import { buildDocxBomb } from '../tests/knowledge/fixtures';
import { signedInPage } from './helpers';

// Against the production build: the request gate (proxy.ts) must not cut upload bodies at
// Next.js's 10 MB, and a hostile file must not take the server down.

const MB = 1_048_576;
const LIMIT = 20 * MB; // KNOWLEDGE_MAX_UPLOAD_MB's default

const text = (size: number) => Buffer.alloc(size, 'Opening hours are 9 to 5 on weekdays. ');

test('a file at the 20 MB limit is accepted; one byte more is refused with the limit in words', async ({ browser }) => {
  test.setTimeout(400_000);
  const page = await signedInPage(browser, 'admin@acme.com');
  const upload = (name: string, size: number) =>
    page.request.post('/api/knowledge/documents', { multipart: { files: { name, mimeType: 'text/plain', buffer: text(size) } }, timeout: 120_000 });

  const eleven = await upload('eleven-mb.txt', 11 * MB);
  expect(eleven.status(), await eleven.text()).toBe(201);
  const atLimit = await upload('at-the-limit.txt', LIMIT);
  expect(atLimit.status(), await atLimit.text()).toBe(201);
  const cookies = (await page.context().cookies()).map(({ name, value }) => `${name}=${value}`).join('; ');
  const port = Number(new URL(test.info().project.use.baseURL!).port);
  const over = multipartFile('one-byte-over.txt', LIMIT + 1);
  const answer = await rawUpload(port, { Cookie: cookies, 'Content-Type': over.contentType, 'Content-Length': String(over.body.length) }, over.body);
  expect(answer).toMatch(/^HTTP\/1\.1 413 /);
  expect(answer).toContain('“one-byte-over.txt” is larger than the 20 MB limit per file.');

  // The accepted files are indexed whole; waiting for them also keeps their indexing, which
  // shares this server's process on the embedded database, from slowing the next tests.
  await page.goto('/dashboard/knowledge');
  for (const title of ['eleven mb', 'at the limit']) {
    const row = page.getByTestId('document-row').filter({ hasText: title });
    await expect(async () => {
      await page.reload();
      await expect(row.getByTestId('document-status')).toHaveText('Ready', { timeout: 1000 });
    }).toPass({ timeout: 240_000, intervals: [5000] });
  }
});

/**
 * Sends one raw HTTP request to the upload route and resolves with the answer (status line,
 * headers and JSON body). The server answers a refused upload before the body is all sent and
 * may close the connection: the answer is kept and the broken write ignored, as a browser does.
 */
function rawUpload(port: number, headers: Record<string, string>, body: Buffer): Promise<string> {
  return new Promise((resolve, reject) => {
    let received = '';
    const socket = connect(port, '127.0.0.1', () => {
      const head = Object.entries(headers).map(([name, value]) => `${name}: ${value}\r\n`).join('');
      socket.write(`POST /api/knowledge/documents HTTP/1.1\r\nHost: localhost:${port}\r\n${head}\r\n`);
      socket.write(body, () => {});
    });
    const answered = () => /^HTTP\/1\.1 \d{3}[^]*\r\n\r\n[^]*\}/.test(received);
    socket.setTimeout(30_000, () => socket.destroy(new Error('No answer within 30 s: the server waited for the declared body.')));
    socket.on('data', (chunk) => {
      received += chunk.toString('utf8');
      if (answered()) {
        resolve(received);
        socket.destroy();
      }
    });
    socket.on('error', (error) => (answered() ? resolve(received) : reject(error)));
    socket.on('close', () => (answered() ? resolve(received) : reject(new Error(`The connection closed without an answer: ${received.slice(0, 200)}`))));
  });
}

/** A multipart body with one text file of `size` bytes in the `files` field. */
function multipartFile(name: string, size: number): { body: Buffer; contentType: string } {
  const boundary = `----upload${Date.now()}`;
  const body = Buffer.concat([
    Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="files"; filename="${name}"\r\nContent-Type: text/plain\r\n\r\n`),
    text(size),
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
  return { body, contentType: `multipart/form-data; boundary=${boundary}` };
}

test('the upload form shows why a file over the limit was refused', async ({ browser }) => {
  const page = await signedInPage(browser, 'priya@acme.com');
  await page.goto('/dashboard/knowledge');
  await page.locator('#knowledge-files').setInputFiles([{ name: 'too-big.txt', mimeType: 'text/plain', buffer: text(LIMIT + MB) }]);
  await page.getByRole('button', { name: 'Upload' }).click();
  await expect(page.getByText('“too-big.txt” is larger than the 20 MB limit per file.')).toBeVisible({ timeout: 60_000 });
});

test('the upload route answers 401 signed out, 403 to a member, 400 and 413 to bad requests', async ({ browser, playwright }) => {
  const anonymous = await playwright.request.newContext({ baseURL: test.info().project.use.baseURL });
  const signedOut = await anonymous.post('/api/knowledge/documents', { multipart: { files: { name: 'a.txt', mimeType: 'text/plain', buffer: text(100) } } });
  expect(signedOut.status()).toBe(401);
  await anonymous.dispose();

  const member = await signedInPage(browser, 'sam@acme.com');
  const forbidden = await member.request.post('/api/knowledge/documents', { multipart: { files: { name: 'a.txt', mimeType: 'text/plain', buffer: text(100) } } });
  expect(forbidden.status()).toBe(403);
  expect((await forbidden.json()).message).toBe('Only owners and admins can add knowledge.');

  const admin = await signedInPage(browser, 'admin@acme.com');
  const json = await admin.request.post('/api/knowledge/documents', { data: { files: [] } });
  expect(json.status()).toBe(400);
  expect((await json.json()).message).toBe('Send the files as multipart/form-data.');
  // A declared length over the limit is refused before any of the body arrives.
  const cookies = (await admin.context().cookies()).map(({ name, value }) => `${name}=${value}`).join('; ');
  const port = Number(new URL(test.info().project.use.baseURL!).port);
  const answer = await rawUpload(port, { Cookie: cookies, 'Content-Type': 'multipart/form-data; boundary=x', 'Content-Length': String(1024 * MB) }, Buffer.from('--x--\r\n'));
  expect(answer).toMatch(/^HTTP\/1\.1 413 Payload Too Large\r\n/);
});

test('a DOCX bomb ends as failed with the reason while the app keeps answering', async ({ browser }) => {
  test.setTimeout(120_000);
  const page = await signedInPage(browser, 'admin@acme.com');
  const bomb = await buildDocxBomb(300);
  const response = await page.request.post('/api/knowledge/documents', {
    multipart: { files: { name: 'bomb.docx', mimeType: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', buffer: bomb } },
  });
  expect(response.status()).toBe(201);
  // While it is being read, health checks and pages answer.
  for (let i = 0; i < 5; i++) {
    const started = Date.now();
    expect((await page.request.get('/api/health', { timeout: 5000 })).ok()).toBe(true);
    expect(Date.now() - started).toBeLessThan(5000);
    await page.waitForTimeout(300);
  }
  await page.goto('/dashboard/knowledge');
  const row = page.getByTestId('document-row').filter({ hasText: 'bomb' });
  await expect(row.getByTestId('document-status')).toHaveText('Failed', { timeout: 60_000 });
  await expect(row).toContainText('This file expands to more than 16 MB when unpacked');
});
