import { expect, test } from '@playwright/test';

test('the demo owner signs in, sees real figures, and signs out', async ({ page }) => {
  await page.goto('/dashboard/team');
  await expect(page).toHaveURL(/\/sign-in\?callbackUrl=%2Fdashboard%2Fteam/);

  await page.getByLabel('Email').fill('admin@acme.com');
  await page.getByLabel('Password').fill('wrong-password');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByText('That email and password do not match.')).toBeVisible();

  await page.getByLabel('Password').fill('password123');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page).toHaveURL(/\/dashboard\/team$/);
  await expect(page.getByTestId('workspace-name')).toHaveText('Acme Corporation');

  await page.getByRole('link', { name: 'Overview' }).click();
  await expect(page.getByRole('heading', { name: 'Overview' })).toBeVisible();
  const conversations = page.locator('dt', { hasText: 'Conversations, last 7 days' }).locator('..').locator('dd').first();
  await expect(conversations).not.toHaveText('0');
  await expect(page.getByText(/% of the \$1,000\.00 monthly cap/)).toBeVisible();

  await page.locator('summary', { hasText: 'Account menu' }).click();
  await page.getByRole('button', { name: 'Sign out', exact: true }).click();
  await expect(page).toHaveURL(/\/sign-in/);
  await page.goto('/dashboard');
  await expect(page).toHaveURL(/\/sign-in/);
});
