import { expect, test } from '@playwright/test';
import { signedInPage } from './helpers';

// The two export routes: nothing without a session, and hostile query strings are answered
// (with the filters ignored or a 4xx), never with a 500 or another workspace's rows.

test('exports need a session', async ({ request }) => {
  for (const path of ['/dashboard/conversations/export?format=csv', '/dashboard/costs/export']) {
    const response = await request.get(path, { maxRedirects: 0 });
    expect(response.status(), path).toBe(307);
    expect(response.headers().location, path).toMatch(/^\/sign-in\?callbackUrl=/);
  }
});

test('exports survive hostile query strings and stay in the workspace', async ({ browser }) => {
  const page = await signedInPage(browser, 'sam@acme.com');
  const hostile = [
    '/dashboard/conversations/export?format=xml&from=garbage&to=2026-99-99&widget=not-a-uuid&mode=%00',
    `/dashboard/conversations/export?format=json&cursor=${encodeURIComponent("x' or 1=1 --")}`,
    '/dashboard/costs/export?from=2026-13-45&to=yesterday&groupBy=%3Cscript%3E',
  ];
  for (const path of hostile) {
    const response = await page.request.get(path);
    expect(response.status(), path).toBeLessThan(500);
    const body = await response.text();
    expect(body, path).not.toContain('Globex');
  }
});
