import { expect, test } from '@playwright/test';
import { signedInPage } from './helpers';

test('workspace settings show field errors for bad input and save good input', async ({ browser }) => {
  const page = await signedInPage(browser, 'owner@globex.example');
  await page.getByRole('link', { name: 'Settings' }).click();

  await page.getByLabel('Workspace name').fill('');
  await page.getByLabel('Allowed domains').fill('https://globex.example\nnot a domain!');
  await page.getByLabel('Monthly spend cap (USD)').fill('12.345');
  await page.getByRole('button', { name: 'Save settings' }).click();
  await expect(page.getByText('Enter a workspace name.')).toBeVisible();
  await expect(page.getByText('"not a domain!" is not a valid domain or origin.')).toBeVisible();
  await expect(page.getByText('Enter an amount in dollars, like 250 or 99.50.')).toBeVisible();
  // What was typed is still there to fix.
  await expect(page.getByLabel('Allowed domains')).toHaveValue('https://globex.example\nnot a domain!');

  await page.getByLabel('Workspace name').fill('Globex Corporation');
  await page.getByLabel('Allowed domains').fill('globex.example\nhttps://*.globex.example');
  await page.getByLabel('Monthly spend cap (USD)').fill('75');
  await page.getByRole('button', { name: 'Save settings' }).click();
  await expect(page.getByText('Workspace settings saved.')).toBeVisible();
  await page.reload();
  await expect(page.getByTestId('workspace-name')).toHaveText('Globex Corporation');
  await expect(page.getByLabel('Allowed domains')).toHaveValue('https://globex.example\nhttps://*.globex.example');
  await expect(page.getByLabel('Monthly spend cap (USD)')).toHaveValue('75.00');
});

test('an owner creates a secret key that is shown once, then revokes it', async ({ browser }) => {
  const page = await signedInPage(browser, 'owner@globex.example');
  await page.goto('/dashboard/settings');
  await page.getByRole('button', { name: 'Create secret key' }).click();
  await expect(page.getByText('Name the key, e.g. "Voice agent".')).toBeVisible();

  // Settings also has visitor signing keys with a name field of their own.
  await page.locator('#key-name').fill('Voice agent');
  await page.getByRole('button', { name: 'Create secret key' }).click();
  const key = await page.getByLabel('Your new secret key (shown only now)').inputValue();
  expect(key).toMatch(/^sk_live_/);

  await page.reload();
  await expect(page.getByLabel('Your new secret key (shown only now)')).toHaveCount(0);
  const row = page.getByRole('row').filter({ hasText: 'Voice agent' });
  await expect(row).toContainText(key.slice(0, 12));
  await expect(row).not.toContainText(key);
  page.once('dialog', (dialog) => dialog.accept());
  await row.getByRole('button', { name: 'Revoke' }).click();
  await expect(page.getByRole('row').filter({ hasText: 'Voice agent' })).toContainText('Revoked');
});

test('an admin sees settings but not key management', async ({ browser }) => {
  const page = await signedInPage(browser, 'priya@acme.com');
  await page.goto('/dashboard/settings');
  await expect(page.getByRole('button', { name: 'Save settings' })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Rotate key' })).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'Create secret key' })).toHaveCount(0);
  await expect(page.getByRole('heading', { name: 'Delete workspace' })).toHaveCount(0);
});
