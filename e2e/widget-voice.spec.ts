import { fileURLToPath } from 'node:url';
import { expect, type Page, type Response, test } from '@playwright/test';
import sharp from 'sharp';
import { signedInPage } from './helpers';

// Voice and images in the widget, end to end: a visitor on a third-party site speaks a question
// into Chromium's fake microphone (fed from a WAV that espeak-ng made:
// `espeak-ng -v en-us -s 160 -w tests/fixtures/audio/free-trial.wav "Is there a free trial?"`),
// sees the transcript and a sourced answer and receives the answer as speech; then attaches an
// image and gets an answer about it; the dashboard shows both, with their costs. The local model
// server (e2e/model-server.ts) hears the scripted question in any clip and describes images by
// their size.

const SPOKEN = fileURLToPath(new URL('../tests/fixtures/audio/free-trial.wav', import.meta.url));
const thirdPartyPort = process.env.E2E_THIRD_PARTY_PORT;
const ALLOWED_SITE = `http://localhost:${thirdPartyPort}`;

// This file's browser hears the WAV through its fake microphone (the config's fake devices stay).
test.use({
  launchOptions: [
    async ({ launchOptions }, use) => use({ ...launchOptions, args: [...(launchOptions.args ?? []), `--use-file-for-fake-audio-capture=${SPOKEN}`] }),
    { scope: 'worker' },
  ],
});

/** A widget allowed on the third-party site, with `configure` filling in its voice and image settings. */
async function createWidget(dashboard: Page, name: string, configure: () => Promise<void>): Promise<string> {
  await dashboard.goto('/dashboard/widgets');
  await dashboard.getByLabel('Widget name').fill(name);
  await dashboard.getByRole('button', { name: 'Create widget' }).click();
  await expect(dashboard).toHaveURL(/\/dashboard\/widgets\/[0-9a-f-]{36}$/);
  await dashboard.getByLabel('Allowed origins').fill(ALLOWED_SITE);
  await configure();
  await dashboard.getByRole('button', { name: 'Save widget' }).click();
  await expect(dashboard.getByText('Widget saved.')).toBeVisible();
  return dashboard.url().split('/').pop()!;
}

/** The NDJSON events of a reply the frame received. */
async function replyEvents(response: Response) {
  return (await response.text())
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as { type: string; text?: string; data?: string; content?: string });
}

test('a visitor speaks a question and shows a picture; answers come back in text and speech, and the dashboard shows both with their costs', async ({ browser, baseURL }, testInfo) => {
  const app = baseURL!;
  const dashboard = await signedInPage(browser, 'admin@acme.com');
  const widgetId = await createWidget(dashboard, 'Voice chat', async () => {
    await dashboard.getByLabel(/^Voice messages: /).check();
    await dashboard.getByLabel(/^Spoken answers: /).check();
    await dashboard.getByLabel('Voice', { exact: true }).fill('nova');
    await dashboard.getByLabel(/^Images: /).check();
  });

  const visitor = await (await browser.newContext({ viewport: { width: 1100, height: 800 } })).newPage();
  // The voice and image code is not loaded until it is used.
  const mediaLoads: string[] = [];
  visitor.on('request', (request) => request.url().endsWith('/widget-media.js') && mediaLoads.push(request.url()));
  await visitor.goto(`${ALLOWED_SITE}/?widget=${widgetId}&app=${encodeURIComponent(app)}`);
  await visitor.getByRole('button', { name: 'Open chat: Voice chat' }).click();
  const chat = visitor.frameLocator('iframe[title="Voice chat"]');
  const mic = chat.getByRole('button', { name: 'Record a voice message' });
  await expect(mic).toBeVisible();
  await expect(mic).toHaveAttribute('aria-pressed', 'false');
  expect(mediaLoads).toEqual([]);

  // Keyboard: Enter starts recording, the state is announced, Enter again sends.
  await mic.focus();
  await visitor.keyboard.press('Enter');
  const stop = chat.getByRole('button', { name: 'Stop recording and send' });
  await expect(stop).toHaveAttribute('aria-pressed', 'true');
  await expect(chat.getByRole('status').filter({ hasText: 'Recording' })).toBeVisible();
  expect(mediaLoads).toHaveLength(1);
  await visitor.waitForTimeout(2500);
  const voiceReply = visitor.waitForResponse((response) => response.url().includes(`/api/widget/${widgetId}/voice`));
  await stop.press('Enter');
  const response = await voiceReply;
  expect(response.status()).toBe(200);
  const events = await replyEvents(response);
  expect(events[0]).toEqual({ type: 'transcript', text: 'Is there a free trial?' });
  expect(events.filter((event) => event.type === 'audio').length).toBeGreaterThan(0);
  expect(Buffer.from(events.find((event) => event.type === 'audio')!.data!, 'base64').subarray(0, 4).toString()).toBe('RIFF');
  // The transcript is the visitor's message; the answer is sourced.
  await expect(chat.locator('.msg.user.spoken')).toHaveText('Is there a free trial?');
  const answer = chat.locator('.msg.bot').last();
  await expect(answer).toContainText('From the knowledge base', { timeout: 20_000 });
  await expect(answer.getByRole('list', { name: 'Sources' })).toContainText('Acme Pulse pricing');
  await expect(mic).toHaveAttribute('aria-pressed', 'false');

  // An image: attached, answered about, shown to the visitor as they sent it.
  const picture = await sharp({ create: { width: 320, height: 240, channels: 3, background: '#2255aa' } }).png().toBuffer();
  await chat.getByRole('textbox', { name: 'Your message' }).fill('What is in this screenshot?');
  const imageReply = visitor.waitForResponse((candidate) => candidate.url().includes(`/api/widget/${widgetId}/images`));
  await chat.locator('input[type=file]').setInputFiles({ name: 'screenshot.png', mimeType: 'image/png', buffer: picture });
  expect((await imageReply).status()).toBe(200);
  await expect(chat.locator('.msg.user img.shot')).toBeVisible();
  await expect(chat.locator('.msg.bot').last()).toContainText('I can see the picture you sent: a 320 × 240 PNG image', { timeout: 20_000 });
  const screenshot = testInfo.outputPath('widget-voice-and-image.png');
  await visitor.screenshot({ path: screenshot });
  await testInfo.attach('widget-voice-and-image', { path: screenshot, contentType: 'image/png' });

  // A file that is not an image is refused in the frame before it is sent.
  await chat.locator('input[type=file]').setInputFiles({ name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('hello') });
  await expect(chat.getByText('Attach a PNG, JPEG or WebP image.')).toBeVisible();

  // The dashboard: the spoken question marked as such, the image through the members-only route, the costs per service.
  await dashboard.goto(`/dashboard/conversations?widget=${widgetId}`);
  await dashboard.getByTestId('conversation-row').first().getByRole('link').click();
  await expect(dashboard.getByTestId('transcript-message')).toHaveCount(4);
  await expect(dashboard.getByTestId('voice-message')).toContainText('Spoken');
  const image = dashboard.getByTestId('message-image');
  await expect(image).toBeVisible();
  await expect.poll(() => image.evaluate((node: HTMLImageElement) => node.complete && node.naturalWidth)).toBe(320);
  const costs = dashboard.getByTestId('conversation-costs');
  for (const service of ['Language model', 'Speech to text', 'Text to speech', 'Vision']) await expect(costs).toContainText(service);

  // The image route is for signed-in members only: anyone else is sent to sign in (proxy.ts), never served the image.
  const src = await image.getAttribute('src');
  const anonymous = await visitor.request.get(new URL(src!, app).toString(), { maxRedirects: 0 });
  expect([307, 401]).toContain(anonymous.status());
  expect(anonymous.headers()['content-type'] ?? '').not.toMatch(/^image\//);
  if (anonymous.status() === 307) expect(anonymous.headers().location).toMatch(/\/sign-in/);
});

test('the microphone explains itself when the browser refuses it', async ({ browser, baseURL }) => {
  const dashboard = await signedInPage(browser, 'admin@acme.com');
  const widgetId = await createWidget(dashboard, 'Blocked mic chat', () => dashboard.getByLabel(/^Voice messages: /).check());

  const visitor = await (await browser.newContext()).newPage();
  // As a visitor who blocked the microphone for the site: getUserMedia rejects with NotAllowedError.
  await visitor.addInitScript(() => {
    navigator.mediaDevices.getUserMedia = () => Promise.reject(new DOMException('Permission denied', 'NotAllowedError'));
  });
  await visitor.goto(`${ALLOWED_SITE}/?widget=${widgetId}&app=${encodeURIComponent(baseURL!)}`);
  await visitor.getByRole('button', { name: 'Open chat: Blocked mic chat' }).click();
  const chat = visitor.frameLocator('iframe[title="Blocked mic chat"]');
  await chat.getByRole('button', { name: 'Record a voice message' }).click();
  await expect(chat.getByText(/Microphone access is blocked/)).toBeVisible();
  await expect(chat.getByRole('button', { name: 'Record a voice message' })).toHaveAttribute('aria-pressed', 'false');
  // The text path still works.
  await chat.getByRole('textbox', { name: 'Your message' }).fill('Is there a free trial?');
  await chat.getByRole('textbox', { name: 'Your message' }).press('Enter');
  await expect(chat.locator('.msg.bot').last()).toContainText('From the knowledge base', { timeout: 20_000 });
});
