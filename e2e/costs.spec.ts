import { readFile } from 'node:fs/promises';
import { expect, test } from '@playwright/test';
import { signedInPage } from './helpers';

test('the costs page shows the seeded 60 days, follows range and grouping, and exports CSV', async ({ browser }) => {
  const page = await signedInPage(browser, 'admin@acme.com');
  await page.getByRole('link', { name: 'Costs' }).click();
  await expect(page.getByRole('heading', { name: 'Costs', level: 1 })).toBeVisible();
  const chart = page.getByTestId('cost-chart');

  // Default: the last 30 days, per day.
  await expect(chart).toHaveAttribute('data-periods', '30');
  await expect(chart.locator('.recharts-bar-rectangle').first()).toBeVisible();
  const thirtyDayTotal = await page.getByTestId('range-total').textContent();

  // 90 days covers all the seeded history: 60 days with costs (59 before the first events of today).
  await page.getByRole('link', { name: 'Last 90 days' }).click();
  await expect(chart).toHaveAttribute('data-periods', '90');
  const withCosts = Number(await chart.getAttribute('data-periods-with-costs'));
  expect(withCosts).toBeGreaterThanOrEqual(59);
  expect(withCosts).toBeLessThanOrEqual(60);
  await expect(page.getByTestId('range-total')).not.toHaveText(thirtyDayTotal!);
  for (const service of ['Language model', 'Embeddings', 'Speech to text', 'Text to speech', 'Vision', 'Meetings (LiveKit)']) {
    await expect(page.getByTestId('costs-by-model')).toContainText(service);
  }

  // Hovering a bar shows its period's breakdown.
  await chart.locator('.recharts-bar-rectangle').last().hover();
  await expect(page.getByText('Total', { exact: true })).toBeVisible();

  await page.getByLabel('Group by').selectOption('week');
  await page.getByRole('button', { name: 'Apply' }).click();
  await expect(page).toHaveURL(/group=week/);
  const weeks = Number(await chart.getAttribute('data-periods'));
  expect(weeks).toBeGreaterThanOrEqual(13);
  expect(weeks).toBeLessThanOrEqual(14);

  await page.getByLabel('Group by').selectOption('month');
  await page.getByRole('button', { name: 'Apply' }).click();
  await expect(page).toHaveURL(/group=month/);
  expect(Number(await chart.getAttribute('data-periods'))).toBeLessThanOrEqual(4);

  // A range with nothing in it explains itself.
  await page.goto('/dashboard/costs?from=2020-01-01&to=2020-01-31');
  await expect(page.getByTestId('costs-empty')).toBeVisible();

  await page.goBack();
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Export CSV' }).click()]);
  expect(download.suggestedFilename()).toMatch(/^costs-\d{4}-\d{2}-\d{2}-to-\d{4}-\d{2}-\d{2}\.csv$/);
  const csv = await readFile((await download.path())!, 'utf8');
  const lines = csv.trim().split('\r\n');
  expect(lines[0]).toBe('occurred_at,service,provider,model,input_tokens,output_tokens,units,unit,cost_usd,price_version,session_id,external_id,event_id');
  expect(lines.length).toBeGreaterThan(500);
  expect(csv).toContain(',voice_stt,deepgram,nova-3,');
});

test('an admin adds a budget threshold; a member only reads', async ({ browser }) => {
  const admin = await signedInPage(browser, 'priya@acme.com');
  await admin.goto('/dashboard/costs');
  await admin.getByLabel('Alert when spend reaches (USD)').fill('0');
  await admin.getByRole('button', { name: 'Add threshold' }).click();
  await expect(admin.getByText('Enter an amount above zero.')).toBeVisible();
  await admin.getByLabel('Alert when spend reaches (USD)').fill('5');
  await admin.getByLabel('Per', { exact: true }).selectOption('daily');
  await admin.getByRole('button', { name: 'Add threshold' }).click();
  await expect(admin.getByText('Warning at $5.00 per day')).toBeVisible();

  const member = await signedInPage(browser, 'sam@acme.com');
  await member.goto('/dashboard/costs');
  await expect(member.getByText('Warning at $5.00 per day')).toBeVisible();
  await expect(member.getByRole('button', { name: 'Add threshold' })).toHaveCount(0);
});
