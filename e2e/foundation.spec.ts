import { expect, test } from '@playwright/test';

test('the home page explains the product', async ({ page }) => {
  await page.goto('/');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('A trustworthy AI assistant for your website.');
  await expect(page.getByRole('listitem')).toHaveCount(4);
});

test('the health endpoint reports a migrated embedded database', async ({ request }) => {
  const response = await request.get('/api/health');
  expect(response.status()).toBe(200);
  const body = await response.json();
  expect(body).toMatchObject({ status: 'ok', database: { driver: 'pglite' } });
  expect(body.database.migrations.applied).toBe(body.database.migrations.expected);
});

test('pages carry security headers', async ({ request }) => {
  const response = await request.get('/');
  const headers = response.headers();
  expect(headers['content-security-policy']).toContain("frame-ancestors 'none'");
  expect(headers['x-content-type-options']).toBe('nosniff');
  expect(headers['referrer-policy']).toBe('strict-origin-when-cross-origin');
});
