import { expect, type Page, test } from '@playwright/test';

async function signInWithSso(page: Page, email: string) {
  await page.goto('/sign-in');
  await page.getByRole('button', { name: 'Continue with Test SSO' }).click();
  // The provider's own login form (skipped when it still has a session for this browser).
  const login = page.locator('input[name="login"]');
  await page.waitForURL((url) => url.port === process.env.E2E_OIDC_PORT || url.pathname.startsWith('/dashboard'));
  if (await login.isVisible().catch(() => false)) {
    await login.fill(email);
    await page.locator('input[name="password"]').fill('any-password');
    await page.locator('button[type="submit"]').click();
  }
  await page.waitForURL(/\/dashboard$/);
}

test('OpenID Connect sign-in creates a workspace the first time and reuses it after', async ({ browser }) => {
  const email = `sso-${Date.now()}@example.org`;
  const first = await browser.newContext();
  const page = await first.newPage();
  await signInWithSso(page, email);
  const workspace = `sso-${email.split('-')[1]!.split('@')[0]}'s workspace`;
  await expect(page.getByTestId('workspace-name')).toHaveText(workspace);
  await expect(page.getByRole('heading', { name: 'Welcome' })).toBeVisible();
  await page.getByRole('link', { name: 'Team', exact: true }).click();
  await expect(page.getByTestId('member-row')).toHaveCount(1);
  await expect(page.getByTestId('member-row')).toContainText(email);
  await first.close();

  // A new browser: the provider asks again, and the app finds the same user and workspace.
  const second = await browser.newContext();
  const again = await second.newPage();
  await signInWithSso(again, email);
  await expect(again.getByTestId('workspace-name')).toHaveText(workspace);
  await second.close();
});
