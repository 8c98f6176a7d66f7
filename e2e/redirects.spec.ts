import { expect, type Page, test } from '@playwright/test';
import { DEMO_PASSWORD, signedInPage } from './helpers';

// Issue #11, item 1: return targets that browsers read as another site once they drop tabs and
// newlines and turn backslashes into slashes. Raw (as a form field would carry them) and
// percent-encoded in the query string.
const HOSTILE = ['/\t/evil.example/', '/\n/evil.example/', '/\\evil.example/', '/\\/evil.example/', '//evil.example/', 'https://evil.example/'];
const asQuery = (target: string) => `/sign-in?callbackUrl=${encodeURIComponent(target)}`;

async function expectOnApp(page: Page, baseURL: string) {
  expect(new URL(page.url()).origin).toBe(new URL(baseURL).origin);
  await expect(page.locator('body')).not.toContainText('Internal Server Error');
}

test('a signed-in user is never sent off the app by a callback URL', async ({ browser, baseURL }) => {
  const page = await signedInPage(browser, 'admin@acme.com');
  for (const target of HOSTILE) {
    const response = await page.goto(asQuery(target));
    expect(response!.status(), target).toBeLessThan(500);
    await expectOnApp(page, baseURL!);
    await expect(page).toHaveURL(/\/dashboard$/);
  }
});

test('signing in with a hostile callback URL lands on the dashboard', async ({ page, baseURL }) => {
  for (const target of ['/\t/evil.example/', '/\\evil.example/']) {
    await page.context().clearCookies();
    await page.goto(asQuery(target));
    await page.getByLabel('Email').fill('sam@acme.com');
    await page.getByLabel('Password').fill(DEMO_PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page).toHaveURL(/\/dashboard$/);
    await expectOnApp(page, baseURL!);
  }
});

test('Auth.js endpoints keep their redirects on the app', async ({ request, baseURL }) => {
  const csrf = (await (await request.get('/api/auth/csrf')).json()) as { csrfToken: string };
  for (const target of HOSTILE) {
    const response = await request.post('/api/auth/signin/credentials', {
      form: { csrfToken: csrf.csrfToken, callbackUrl: target, email: 'nobody@example.com', password: 'wrong' },
      maxRedirects: 0,
    });
    expect(response.status(), target).toBeLessThan(500);
    const location = response.headers().location;
    if (location) expect(new URL(location, baseURL).origin, target).toBe(new URL(baseURL!).origin);
  }
});
