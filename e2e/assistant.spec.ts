import { expect, test } from '@playwright/test';
import { signedInPage } from './helpers';

test('edit a personality’s prompt, chat with it in the playground, see the sources and the cost of the turn', async ({ browser }) => {
  const page = await signedInPage(browser, 'priya@acme.com');
  await page.getByRole('link', { name: 'Personalities', exact: true }).click();
  const card = page.getByTestId('personality-card').filter({ hasText: 'Acme Support' });
  await expect(card).toContainText('Default');
  await card.getByRole('link', { name: 'Edit' }).click();

  const prompt = page.getByLabel('Instructions (system prompt)');
  await prompt.fill('You are Pulsebot, the cheerful Acme helper. Keep answers short and cite the knowledge.');
  await page.getByLabel('Model').selectOption('gpt-4o-mini');
  await page.getByRole('button', { name: 'Save personality' }).click();
  await expect(page.getByText('Personality saved. New replies use it right away.')).toBeVisible();

  await page.getByRole('link', { name: 'Chat with it' }).click();
  await expect(page.getByLabel('Personality')).toHaveValue(/.+/);
  await page.getByLabel('Message').fill('How do I pause alerts during maintenance?');
  await page.getByLabel('Message').press('Enter');

  const turn = page.getByTestId('playground-turn').last();
  // The local model server answers with the first instruction it was given and cites passage 1.
  await expect(turn.getByTestId('playground-answer')).toContainText('(You are Pulsebot, the cheerful Acme helper.) From the knowledge base:');
  await expect(turn.locator('sup.citation')).toHaveText('[1]');
  await expect(turn.getByTestId('playground-sources').locator('li').first()).toContainText('Can I pause alerts during maintenance?');
  const metrics = turn.getByTestId('playground-metrics');
  await expect(metrics).toContainText('gpt-4o-mini');
  await expect(metrics).toContainText(/Tokens\d[\d,]* in · \d+ out/);
  await expect(metrics).toContainText(/Cost\$0\.0\d+/);
  await expect(metrics).toContainText(/Latency\d[\d,]* ms/);

  // A follow-up continues the same conversation.
  await page.getByLabel('Message').fill('And where can alerts be sent?');
  await page.getByRole('button', { name: 'Send' }).click();
  await expect(page.getByTestId('playground-turn')).toHaveCount(2);
  await expect(page.getByTestId('playground-turn').last().getByTestId('playground-answer')).toContainText('From the knowledge base:');

  // The conversation is kept and listed as a playground session, with its cost.
  await page.goto('/dashboard/conversations?source=playground');
  const row = page.getByTestId('conversation-row').filter({ hasText: 'How do I pause alerts during maintenance?' });
  await expect(row.locator('[data-source="playground"]')).toHaveText('Playground');
  await expect(row).toContainText(/\$0\.0\d+/);
  await row.getByRole('link').click();
  await expect(page.getByText('And where can alerts be sent?')).toBeVisible();
});

test('a read-only member cannot spend money in the playground', async ({ browser }) => {
  const page = await signedInPage(browser, 'sam@acme.com');
  await page.goto('/dashboard/playground');
  await expect(page.getByText('only owners and admins can chat here')).toBeVisible();
  const response = await page.request.post('/api/playground/replies', { data: { personalityId: '00000000-0000-4000-8000-000000000000', content: 'hi' } });
  expect(response.status()).toBe(403);
});

test('the playground route refuses bad input and another workspace’s personality, storing nothing', async ({ browser }) => {
  const globex = await signedInPage(browser, 'owner@globex.example');
  await globex.goto('/dashboard/personalities');
  const globexPersonality = (await globex.getByTestId('personality-card').first().getByRole('link', { name: 'Edit' }).getAttribute('href'))!.split('/').pop()!;

  const acme = await signedInPage(browser, 'priya@acme.com');
  await acme.goto('/dashboard/personalities');
  const acmePersonality = (await acme.getByTestId('personality-card').first().getByRole('link', { name: 'Edit' }).getAttribute('href'))!.split('/').pop()!;
  const post = (data: unknown) => acme.request.post('/api/playground/replies', { data: data as Record<string, unknown> });

  const foreign = await post({ personalityId: globexPersonality, content: 'Whose assistant is this?' });
  expect(foreign.status()).toBe(404);
  expect((await foreign.json()).message).toContain('does not exist');
  for (const body of [{ personalityId: acmePersonality }, { personalityId: 'not-a-uuid', content: 'hi' }, { personalityId: acmePersonality, content: 'x'.repeat(4001) }, { personalityId: acmePersonality, content: '   ' }]) {
    const response = await post(body);
    expect(response.status(), JSON.stringify(body).slice(0, 80)).toBe(422);
    expect((await response.json()).message).toBeTruthy();
  }
  const malformed = await acme.request.post('/api/playground/replies', { headers: { 'content-type': 'application/json' }, data: '{not json' });
  expect(malformed.status()).toBe(422);

  await acme.goto('/dashboard/conversations?source=playground');
  await expect(acme.getByTestId('conversation-row').filter({ hasText: 'Whose assistant is this?' })).toHaveCount(0);
});
