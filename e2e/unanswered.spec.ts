import { expect, test } from '@playwright/test';
import { signedInPage } from './helpers';

// The loop that closes a knowledge gap: a visitor asks something the knowledge cannot answer
// and gets an honest "I don't know" with the widget's alternatives; the team finds the question
// on the Unanswered page and adds an answer; the next visitor gets that answer, with its source.
const ALLOWED_SITE = `http://localhost:${process.env.E2E_THIRD_PARTY_PORT}`;
const QUESTION = 'What is the capital of France?';

test('an unanswered question is found, answered from the dashboard, and answered with a source the next time', async ({ browser, baseURL }, testInfo) => {
  const owner = await signedInPage(browser, 'admin@acme.com');

  // A personality with its own "no answer" message, on a widget with a contact address.
  await owner.goto('/dashboard/personalities/new');
  await owner.getByLabel('Name', { exact: true }).fill('Travel desk');
  await owner.getByLabel('Instructions (system prompt)').fill('You are the Acme travel desk. Answer briefly.');
  await owner.getByLabel('When the knowledge has no answer').fill("I don't know that one yet.");
  await owner.getByRole('button', { name: 'Create personality' }).click();
  await expect(owner).toHaveURL(/\/dashboard\/personalities$/);

  await owner.getByRole('link', { name: 'Widgets', exact: true }).click();
  await owner.getByLabel('Widget name').fill('Travel chat');
  await owner.getByRole('button', { name: 'Create widget' }).click();
  await expect(owner).toHaveURL(/\/dashboard\/widgets\/[0-9a-f-]{36}$/);
  const widgetId = owner.url().split('/').pop()!;
  await owner.getByLabel('Allowed origins').fill(ALLOWED_SITE);
  await owner.getByLabel('Personality').selectOption({ label: 'Travel desk' });
  await owner.getByLabel('Contact email').fill('travel@acme.com');
  await owner.getByRole('button', { name: 'Save widget' }).click();
  await expect(owner.getByText('Widget saved.')).toBeVisible();

  const ask = async () => {
    const visitor = await (await browser.newContext()).newPage();
    await visitor.goto(`${ALLOWED_SITE}/?widget=${widgetId}&app=${encodeURIComponent(baseURL!)}`);
    await visitor.getByRole('button', { name: 'Open chat: Travel chat' }).click();
    const chat = visitor.frameLocator('iframe[title="Travel chat"]');
    await chat.getByRole('textbox', { name: 'Your message' }).fill(QUESTION);
    await chat.getByRole('textbox', { name: 'Your message' }).press('Enter');
    const answer = chat.locator('.msg.bot').last();
    await expect(answer).not.toHaveAttribute('aria-busy', { timeout: 20_000 });
    return { visitor, answer };
  };

  // Nothing in the knowledge: the honest answer, the alternatives, and no passage quoted.
  const first = await ask();
  await expect(first.answer).toContainText("I don't know that one yet.");
  await expect(first.answer).toContainText('email the team at travel@acme.com');
  await expect(first.answer.getByRole('list', { name: 'Sources' })).toHaveCount(0);
  await first.visitor.context().close();

  // The question is on the Unanswered page, with why and a link to its conversation.
  await owner.getByRole('link', { name: 'Unanswered', exact: true }).click();
  await expect(owner.getByRole('heading', { name: 'Unanswered questions', level: 1 })).toBeVisible();
  const group = owner.getByTestId('unanswered-group').filter({ has: owner.getByRole('heading', { name: QUESTION }) });
  await expect(group).toBeVisible();
  await expect(group.getByTestId('unanswered-question').first()).toContainText('No match in the knowledge');
  await expect(group.getByRole('link', { name: /open the conversation/ }).first()).toHaveAttribute('href', /\/dashboard\/conversations\/[0-9a-f-]{36}$/);

  await owner.screenshot({ path: testInfo.outputPath('unanswered.png'), fullPage: true });
  await testInfo.attach('unanswered', { path: testInfo.outputPath('unanswered.png'), contentType: 'image/png' });

  // Every member sees the page; adding answers is for owners and admins.
  const member = await signedInPage(browser, 'sam@acme.com');
  await member.getByRole('link', { name: 'Unanswered', exact: true }).click();
  const seenByMember = member.getByTestId('unanswered-group').filter({ has: member.getByRole('heading', { name: QUESTION }) });
  await expect(seenByMember).toBeVisible();
  await expect(seenByMember.getByText('Add an answer')).toHaveCount(0);
  await expect(member.getByText('Owners and admins can add answers.')).toBeVisible();
  await member.context().close();

  await group.getByText('Add an answer').click();
  await expect(group.getByLabel('Question', { exact: true })).toHaveValue(QUESTION);
  await group.getByLabel('Answer').fill('Paris is the capital of France. Our travel desk books trains there every day.');
  await group.getByRole('button', { name: 'Add to knowledge base' }).click();
  await expect(owner.getByRole('status').filter({ hasText: `Added “${QUESTION}” to the knowledge base` })).toBeVisible();
  await expect(owner.getByTestId('unanswered-group').filter({ has: owner.getByRole('heading', { name: QUESTION }) })).toHaveCount(0);

  // An FAQ document, indexed by the worker like any other.
  await owner.getByRole('link', { name: 'Knowledge', exact: true }).click();
  const row = owner.getByTestId('document-row').filter({ hasText: QUESTION });
  await expect(row.getByTestId('document-status')).toHaveText('Ready', { timeout: 30_000 });

  // The next visitor who asks gets the answer, with its source.
  const second = await ask();
  await expect(second.answer).toContainText('From the knowledge base');
  await expect(second.answer).toContainText('Paris is the capital of France');
  await expect(second.answer.getByRole('list', { name: 'Sources' })).toContainText(QUESTION);
  await second.visitor.context().close();
});
