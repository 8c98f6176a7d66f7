import { readFile } from 'node:fs/promises';
import { expect, type Page, type TestInfo, test } from '@playwright/test';
import { recordCspViolations, signedInPage } from './helpers';

// The whole loop across two origins: the app (baseURL) and a third-party site on another
// port (e2e/third-party-site.ts), reachable as localhost (allowed) and 127.0.0.1 (not allowed).
const thirdPartyPort = process.env.E2E_THIRD_PARTY_PORT;
const ALLOWED_SITE = `http://localhost:${thirdPartyPort}`;
const OTHER_SITE = `http://127.0.0.1:${thirdPartyPort}`;

async function keepScreenshot(page: Page, testInfo: TestInfo, name: string) {
  const path = testInfo.outputPath(`${name}.png`);
  await page.screenshot({ path });
  await testInfo.attach(name, { path, contentType: 'image/png' });
}

test('a third-party site embeds the widget; a visitor gets a sourced answer that survives a reload and shows in the dashboard', async ({ browser, baseURL }, testInfo) => {
  const app = baseURL!;
  const dashboard = await signedInPage(browser, 'admin@acme.com');
  await dashboard.getByRole('link', { name: 'Widgets', exact: true }).click();
  await dashboard.getByLabel('Widget name').fill('Shop chat');
  await dashboard.getByRole('button', { name: 'Create widget' }).click();
  await expect(dashboard).toHaveURL(/\/dashboard\/widgets\/[0-9a-f-]{36}$/);
  const widgetId = dashboard.url().split('/').pop()!;
  await expect(dashboard.getByLabel('Embed snippet')).toHaveValue(`<script src="${app}/widget.js" data-widget-id="${widgetId}" async></script>`);

  await dashboard.getByLabel('Allowed origins').fill(ALLOWED_SITE);
  await dashboard.getByLabel('Theme').selectOption('light');
  await dashboard.getByLabel('Greeting').fill('Hello! Ask me about Acme Pulse.');
  await dashboard.getByLabel('Suggested questions').fill('Is there a free trial?\nHow do I monitor a cron job?');
  // The preview follows the form as it is typed.
  await expect(dashboard.getByTestId('widget-preview')).toContainText('Hello! Ask me about Acme Pulse.');
  await expect(dashboard.getByTestId('widget-preview')).toContainText('How do I monitor a cron job?');
  await dashboard.getByRole('button', { name: 'Save widget' }).click();
  await expect(dashboard.getByText('Widget saved.')).toBeVisible();

  const visitor = await (await browser.newContext({ viewport: { width: 1100, height: 800 } })).newPage();
  await visitor.goto(`${ALLOWED_SITE}/?widget=${widgetId}&app=${encodeURIComponent(app)}`);
  const launcher = visitor.getByRole('button', { name: 'Open chat: Shop chat' });
  await expect(launcher).toBeVisible();
  // The chat costs the host page nothing until it is opened.
  await expect(visitor.locator('iframe')).toHaveCount(0);
  await launcher.click();
  await expect(visitor.getByRole('button', { name: 'Close chat: Shop chat' })).toHaveAttribute('aria-expanded', 'true');
  const chat = visitor.frameLocator('iframe[title="Shop chat"]');
  await expect(chat.getByText('Hello! Ask me about Acme Pulse.')).toBeVisible();
  await expect(chat.getByRole('textbox', { name: 'Your message' })).toBeFocused();

  await chat.getByRole('button', { name: 'Is there a free trial?' }).click();
  const answer = chat.locator('.msg.bot').last();
  // The e2e app answers through a local model server that quotes the first retrieved passage.
  await expect(answer).toContainText('From the knowledge base', { timeout: 20_000 });
  await expect(answer.locator('sup.citation').first()).toBeVisible();
  await expect(answer.getByRole('list', { name: 'Sources' })).toContainText('Acme Pulse pricing › Billing questions › Is there a free trial?');
  await expect(answer).not.toHaveAttribute('aria-busy');
  await answer.getByRole('button', { name: 'Helpful', exact: true }).click();
  await expect(answer.getByRole('button', { name: 'Helpful', exact: true })).toHaveAttribute('aria-pressed', 'true');
  await keepScreenshot(visitor, testInfo, 'widget-open-light');

  // The conversation survives a reload (token in the frame's localStorage).
  await visitor.reload();
  await visitor.getByRole('button', { name: 'Open chat: Shop chat' }).click();
  await expect(chat.locator('.msg.user')).toHaveText(['Is there a free trial?']);
  await expect(chat.locator('.msg.bot').last()).toContainText('From the knowledge base');
  await expect(chat.locator('.msg.bot').last().getByRole('button', { name: 'Helpful', exact: true })).toHaveAttribute('aria-pressed', 'true');
  // Escape closes it and gives focus back to the launcher.
  await chat.getByRole('textbox', { name: 'Your message' }).press('Escape');
  await expect(visitor.getByRole('button', { name: 'Open chat: Shop chat' })).toBeFocused();

  // The transcript is in the dashboard, with its sources and the visitor's feedback.
  await dashboard.getByRole('link', { name: 'Conversations', exact: true }).click();
  await dashboard.goto(`/dashboard/conversations?widget=${widgetId}`);
  const row = dashboard.getByTestId('conversation-row').first();
  await expect(row).toContainText('Is there a free trial?');
  await expect(row).toContainText('Shop chat');
  await row.getByRole('link').click();
  await expect(dashboard.getByTestId('transcript-message')).toHaveCount(2);
  await expect(dashboard.getByTestId('message-feedback')).toContainText('helpful');
  await expect(dashboard.getByTestId('transcript-message').last().getByRole('list', { name: 'Sources' })).toContainText('Acme Pulse pricing');
  await expect(dashboard.getByTestId('message-details')).toContainText('gpt-4o-mini');

  // Export the filtered list: CSV as a download, JSON with the messages nested.
  await dashboard.goto(`/dashboard/conversations?widget=${widgetId}`);
  const [download] = await Promise.all([dashboard.waitForEvent('download'), dashboard.getByRole('link', { name: 'Export CSV' }).click()]);
  expect(download.suggestedFilename()).toMatch(/^conversations-\d{4}-\d{2}-\d{2}\.csv$/);
  const csv = await readFile((await download.path())!, 'utf8');
  expect(csv.split('\r\n').filter(Boolean)).toHaveLength(3);
  expect(csv).toContain('Is there a free trial?');
  const exported = await (await dashboard.request.get(`/dashboard/conversations/export?widget=${widgetId}&format=json`)).json();
  expect(exported.conversations).toHaveLength(1);
  expect(exported.conversations[0].messages.map((message: { role: string }) => message.role)).toEqual(['user', 'assistant']);

  // Dark theme: the frame follows the widget's setting on its next load.
  await dashboard.goto(`/dashboard/widgets/${widgetId}`);
  await dashboard.getByLabel('Theme').selectOption('dark');
  await dashboard.getByRole('button', { name: 'Save widget' }).click();
  await expect(dashboard.getByText('Widget saved.')).toBeVisible();
  await visitor.reload();
  await visitor.getByRole('button', { name: 'Open chat: Shop chat' }).click();
  await expect(chat.locator('html')).toHaveAttribute('data-theme', 'dark');
  await expect(chat.locator('.msg.bot').last().locator('sup.citation').first()).toBeVisible();
  await keepScreenshot(visitor, testInfo, 'widget-open-dark');
});

test('a site that is not on the allow-list cannot embed the widget or use its API', async ({ browser, baseURL, request }) => {
  const app = baseURL!;
  const dashboard = await signedInPage(browser, 'admin@acme.com');
  await dashboard.goto('/dashboard/widgets');
  await dashboard.getByRole('link', { name: 'Main Website Widget' }).click();
  await expect(dashboard).toHaveURL(/\/dashboard\/widgets\/[0-9a-f-]{36}$/);
  const widgetId = dashboard.url().split('/').pop()!;

  const page = await (await browser.newContext()).newPage();
  // The config answer carries no CORS header for this origin, so the loader gives up quietly.
  const warning = page.waitForEvent('console', (message) => message.text().includes('is not available on this site'));
  await page.goto(`${OTHER_SITE}/?widget=${widgetId}&app=${encodeURIComponent(app)}`);
  await warning;
  await expect(page.locator('[data-assistant-widget]')).toHaveCount(0);

  // Framing the chat by hand, even while claiming an allowed origin, is refused by the browser.
  for (const claimed of [OTHER_SITE, 'https://acme.com']) {
    const framed = await (await browser.newContext()).newPage();
    await framed.goto(`${OTHER_SITE}/frame?src=${encodeURIComponent(`${app}/widget/${widgetId}?origin=${encodeURIComponent(claimed)}`)}`);
    const frame = framed.frames().find((candidate) => candidate !== framed.mainFrame());
    await expect.poll(async () => (frame ? await frame.locator('#app textarea').count() : 0)).toBe(0);
    await expect.poll(() => frame?.url()).toMatch(/^chrome-error:|^about:blank$/);
  }

  // The API answers the same way to a script or a hand-made request from that origin.
  const refusedConfig = await request.get(`${app}/api/widget/${widgetId}/config`, { headers: { origin: OTHER_SITE } });
  expect(refusedConfig.status()).toBe(403);
  expect(await refusedConfig.json()).toMatchObject({ code: 'forbidden' });
  expect(refusedConfig.headers()['access-control-allow-origin']).toBeUndefined();
  const refusedSession = await request.post(`${app}/api/widget/${widgetId}/sessions`, { headers: { origin: OTHER_SITE }, data: { hostOrigin: OTHER_SITE } });
  expect(refusedSession.status()).toBe(403);
});

test('the demo page shows the whole loop once its origin is allowed', async ({ browser, baseURL }) => {
  const page = await (await browser.newContext()).newPage();
  const cspViolations = await recordCspViolations(page);
  await page.goto('/demo');
  await expect(page.getByRole('heading', { level: 1 })).toContainText('Know your site is up');
  // The seeded widget allows the dev server's origins; this test server runs elsewhere, and the
  // page says how to allow it instead of showing a chat that would be refused.
  await expect(page.getByText(`This page is served from ${baseURL}`)).toBeVisible();
  await expect(page.locator('[data-assistant-widget]')).toHaveCount(0);

  const dashboard = await signedInPage(browser, 'priya@acme.com');
  await dashboard.goto('/dashboard/widgets');
  await dashboard.getByRole('link', { name: 'Main Website Widget' }).click();
  const origins = dashboard.getByLabel('Allowed origins');
  await origins.fill(`${await origins.inputValue()}\n${baseURL}`);
  await dashboard.getByRole('button', { name: 'Save widget' }).click();
  await expect(dashboard.getByText('Widget saved.')).toBeVisible();

  await page.reload();
  await expect(page.locator('script[src="/widget.js"][data-widget-id]')).toHaveCount(1);
  await page.getByRole('button', { name: 'Open chat: Main Website Widget' }).click();
  const chat = page.frameLocator('iframe[title="Main Website Widget"]');
  await expect(chat.getByText('Hi! I can answer questions about Acme Pulse')).toBeVisible();
  await chat.getByRole('textbox', { name: 'Your message' }).fill('How do I monitor a cron job?');
  await chat.getByRole('textbox', { name: 'Your message' }).press('Enter');
  await expect(chat.locator('.msg.bot').last().locator('sup.citation').first()).toBeVisible({ timeout: 20_000 });
  // The snippet runs under the page's nonce policy, the chat under the frame's own.
  expect(cspViolations()).toEqual([]);

  // On a phone the open chat takes the whole screen.
  const phone = await (await browser.newContext({ viewport: { width: 390, height: 740 } })).newPage();
  await phone.goto('/demo');
  await phone.getByRole('button', { name: 'Open chat: Main Website Widget' }).click();
  await expect(phone.frameLocator('iframe[title="Main Website Widget"]').getByRole('textbox', { name: 'Your message' })).toBeVisible();
  expect(await phone.locator('iframe[title="Main Website Widget"]').boundingBox()).toEqual({ x: 0, y: 0, width: 390, height: 740 });
});
