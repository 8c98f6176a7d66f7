import { expect, type Page, test } from '@playwright/test';
import { SignJWT } from 'jose';
import { signedInPage } from './helpers';

// Human handoff across two browser contexts: a visitor on a third-party origin
// (e2e/third-party-site.ts) and a team member in the dashboard. Team notifications go to a
// local SMTP relay (e2e/mail-server.ts) whose mailbox is read over HTTP.
const SHOP = `http://localhost:${process.env.E2E_THIRD_PARTY_PORT}`;
const MAILBOX = `${process.env.E2E_MAILBOX_URL}/messages`;

async function createShopWidget(admin: Page, name: string): Promise<string> {
  await admin.goto('/dashboard/widgets');
  await admin.getByLabel('Widget name').fill(name);
  await admin.getByRole('button', { name: 'Create widget' }).click();
  await expect(admin).toHaveURL(/\/dashboard\/widgets\/[0-9a-f-]{36}$/);
  await admin.getByLabel('Allowed origins').fill(SHOP);
  await admin.getByRole('button', { name: 'Save widget' }).click();
  await expect(admin.getByText('Widget saved.')).toBeVisible();
  return admin.url().split('/').pop()!;
}

async function openChat(page: Page, app: string, widgetId: string, name: string, visitorToken?: string) {
  await page.goto(`${SHOP}/?widget=${widgetId}&app=${encodeURIComponent(app)}${visitorToken ? `&vt=${encodeURIComponent(visitorToken)}` : ''}`);
  await page.getByRole('button', { name: `Open chat: ${name}` }).click();
  return page.frameLocator(`iframe[title="${name}"]`);
}

test('a signed-in visitor asks for a person; a member takes it live, replies, resolves; the assistant answers again', async ({ browser, baseURL }) => {
  // Three signed-in or visiting browser contexts and a dozen live round trips.
  test.setTimeout(180_000);
  const app = baseURL!;
  const admin = await signedInPage(browser, 'admin@acme.com');
  const widgetId = await createShopWidget(admin, 'Shop help');
  // The shop signs its user in: a signing key from Settings, a JWT signed on "its server" (here).
  await admin.goto('/dashboard/settings');
  await admin.getByLabel('Signing key name').fill('Shop server');
  await admin.getByRole('button', { name: 'Create signing key' }).click();
  const keyId = await admin.getByLabel(/^Key id/).inputValue();
  const secret = await admin.getByLabel(/^Secret/).inputValue();
  expect(secret).toMatch(/^vsk_/);
  const visitorToken = await new SignJWT({ sub: 'shop-user-77', name: 'Ada Lovelace', email: 'ada@shop.example', email_verified: true, attributes: { plan: 'gold' } })
    .setProtectedHeader({ alg: 'HS256', kid: keyId })
    .setAudience(widgetId)
    .setIssuedAt()
    .setExpirationTime('1h')
    .sign(new TextEncoder().encode(secret));

  // The member's Inbox is open before anyone asks.
  const member = await signedInPage(browser, 'sam@acme.com');
  await member.goto('/dashboard/inbox');
  await expect(member.getByTestId('inbox-empty')).toBeVisible();

  const visitor = await (await browser.newContext()).newPage();
  const chat = await openChat(visitor, app, widgetId, 'Shop help', visitorToken);
  await chat.getByRole('button', { name: 'Talk to a person' }).click();
  await expect(chat.getByText('Waiting for a person from the team…')).toBeVisible();

  // It appears in the member's Inbox and in the navigation count without a reload.
  const item = member.getByTestId('inbox-item');
  await expect(item).toHaveCount(1);
  await expect(item).toContainText('Ada Lovelace');
  await expect(item).toContainText('verified');
  await expect(member.getByTestId('inbox-count')).toHaveText('1');
  await item.getByRole('link').click();
  await expect(member.getByTestId('visitor-card')).toContainText('shop-user-77');
  await expect(member.getByTestId('visitor-card')).toContainText('gold');
  await member.getByRole('button', { name: 'Take conversation' }).click();
  await expect(chat.getByText('You are chatting with Sam Okafor.')).toBeVisible();
  await member.getByLabel('Your reply to the visitor').fill('Hi Ada, Sam here. How can I help?');
  await member.getByRole('button', { name: 'Send reply' }).click();
  // The reply streams into the visitor's frame, with who wrote it.
  const reply = chat.locator('.msg.agent');
  await expect(reply).toContainText('Hi Ada, Sam here. How can I help?', { timeout: 5_000 });
  await expect(reply).toContainText('Sam Okafor');

  // The visitor writes to the person, not to the assistant; the member sees it live.
  await chat.getByRole('textbox', { name: 'Your message' }).fill('My order 1234 never arrived');
  await chat.getByRole('textbox', { name: 'Your message' }).press('Enter');
  await expect(member.getByTestId('transcript-message').filter({ hasText: 'My order 1234 never arrived' })).toBeVisible({ timeout: 15_000 });
  await expect(chat.locator('.msg.bot')).toHaveCount(0);

  await member.getByRole('button', { name: 'Resolve' }).click();
  await expect(chat.getByText(/marked this conversation resolved/)).toBeVisible();
  await expect(member.getByTestId('transcript-event').last()).toContainText('resolved the conversation');
  // Back with the assistant: it answers the next question (from the local model server).
  await chat.getByRole('textbox', { name: 'Your message' }).fill('Is there a free trial?');
  await chat.getByRole('textbox', { name: 'Your message' }).press('Enter');
  await expect(chat.locator('.msg.bot').last()).toContainText('From the knowledge base', { timeout: 20_000 });
  await expect(member.getByTestId('inbox-count')).toHaveCount(0);
});

test('outside office hours the visitor leaves an email and the team is notified by email', async ({ browser, baseURL }) => {
  test.setTimeout(120_000);
  const app = baseURL!;
  const admin = await signedInPage(browser, 'priya@acme.com');
  const widgetId = await createShopWidget(admin, 'After hours');
  await admin.goto('/dashboard/inbox/settings');
  await admin.getByLabel('Use office hours').check();
  for (const day of ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday']) await admin.getByLabel(`Open on ${day}`).uncheck();
  await admin.getByRole('button', { name: 'Save handoff settings' }).click();
  await expect(admin.getByText('Handoff settings saved.')).toBeVisible();

  const visitor = await (await browser.newContext()).newPage();
  const chat = await openChat(visitor, app, widgetId, 'After hours');
  await chat.getByRole('textbox', { name: 'Your message' }).fill('Can I talk to a human please?');
  await chat.getByRole('textbox', { name: 'Your message' }).press('Enter');
  await expect(chat.getByText('The team is away right now. Leave your email and they will get back to you.').first()).toBeVisible();
  await chat.getByRole('textbox', { name: 'Your email' }).fill('night.owl@customer.example');
  await chat.getByRole('textbox', { name: 'A note for the team (optional)' }).fill('Please call me back tomorrow.');
  await chat.getByRole('button', { name: 'Send email' }).click();
  await expect(chat.getByText('Thanks! The team will get back to you by email.')).toBeVisible();

  await expect
    .poll(async () => ((await (await fetch(MAILBOX)).json()) as Array<{ body: string }>).some((mail) => mail.body.includes('night.owl@customer.example')), { timeout: 10_000 })
    .toBe(true);
  await admin.goto('/dashboard/inbox');
  await expect(admin.getByTestId('inbox-item').filter({ hasText: 'night.owl@customer.example' })).toBeVisible();

  // Leave the workspace as the other specs expect it: no office hours.
  await admin.goto('/dashboard/inbox/settings');
  await admin.getByLabel('Use office hours').uncheck();
  await admin.getByRole('button', { name: 'Save handoff settings' }).click();
  await expect(admin.getByText('Handoff settings saved.')).toBeVisible();
});
