import { expect, type Page, test } from '@playwright/test';
import { linkIn, mailsTo, recordCspViolations, signedInPage } from './helpers';

// The app's pages run scripts only by per-request nonce (proxy.ts): every page below must
// render, hydrate and run with no Content-Security-Policy violation at all.

/** The nonce of a response's policy, after checking the policy is the strict one. */
function scriptNonce(policy: string | undefined): string {
  const scriptSrc = policy?.split(';').map((directive) => directive.trim()).find((directive) => directive.startsWith('script-src '));
  expect(scriptSrc, 'script-src directive').toBeDefined();
  expect(scriptSrc).not.toContain("'unsafe-inline'");
  expect(scriptSrc).not.toContain("'unsafe-eval'");
  expect(scriptSrc).toContain("'strict-dynamic'");
  const nonce = /'nonce-([A-Za-z0-9+/=]{22,})'/.exec(scriptSrc!)?.[1];
  expect(nonce, `a nonce in ${scriptSrc}`).toBeDefined();
  return nonce!;
}

/** Opens the page, checks its scripts carry the response's nonce, and waits until Next.js has hydrated it. */
async function visit(page: Page, path: string, nonces: Set<string>) {
  const response = await page.goto(path);
  expect(response?.status(), path).toBeLessThan(400);
  const nonce = scriptNonce(response!.headers()['content-security-policy']);
  expect(nonces.has(nonce), `a fresh nonce for ${path}`).toBe(false);
  nonces.add(nonce);
  // Every script tag the server sent carries this response's nonce (data blocks do not run).
  const html = await response!.text();
  const tags = [...html.matchAll(/<script\b[^>]*>/g)].map((match) => match[0]).filter((tag) => !/type="application\/(ld\+)?json"/.test(tag));
  expect(tags.length, `script tags on ${path}`).toBeGreaterThan(0);
  for (const tag of tags) expect(tag, path).toContain(`nonce="${nonce}"`);
  // Next.js's client runtime ran: it announces itself on window.next.
  await page.waitForFunction(() => Boolean((window as unknown as { next?: { version?: string } }).next?.version));
}

/** The first link on `listPath` to a detail page under it. */
async function firstDetailLink(page: Page, listPath: string): Promise<string> {
  await page.goto(listPath);
  const href = await page.locator(`main a[href^="${listPath}/"]`).evaluateAll((links, prefix) => {
    const uuid = /^[0-9a-f-]{36}$/;
    return links.map((link) => link.getAttribute('href') ?? '').find((value) => uuid.test(value.slice(prefix.length + 1).split(/[?#]/)[0]!));
  }, listPath);
  expect(href, `a detail link on ${listPath}`).toBeTruthy();
  return href!;
}

test('every dashboard page runs under a nonce-only script policy with no violation', async ({ browser }) => {
  test.setTimeout(300_000);
  const page = await signedInPage(browser, 'admin@acme.com');
  const violations = await recordCspViolations(page);
  const nonces = new Set<string>();
  const pages = [
    '/dashboard',
    '/dashboard/knowledge',
    '/dashboard/knowledge/search',
    '/dashboard/personalities',
    '/dashboard/personalities/new',
    '/dashboard/playground',
    '/dashboard/widgets',
    '/dashboard/conversations',
    '/dashboard/unanswered',
    '/dashboard/costs',
    '/dashboard/team',
    '/dashboard/settings',
  ];
  for (const list of ['/dashboard/knowledge', '/dashboard/personalities', '/dashboard/widgets', '/dashboard/conversations']) {
    pages.push(await firstDetailLink(page, list));
  }
  for (const path of pages) await visit(page, path, nonces);
  // Client-side navigation loads further chunks, trusted through 'strict-dynamic'.
  await page.goto('/dashboard');
  await page.getByRole('link', { name: 'Costs', exact: true }).click();
  await expect(page.getByRole('heading', { name: 'Costs', level: 1 })).toBeVisible();
  await page.getByRole('link', { name: 'Widgets', exact: true }).click();
  await expect(page).toHaveURL(/\/dashboard\/widgets$/);
  expect(violations()).toEqual([]);
});

test('the public pages run under the same policy with no violation, and injected inline code does not run', async ({ browser }) => {
  test.setTimeout(300_000);
  const owner = await signedInPage(browser, 'owner@globex.example');
  await owner.goto('/dashboard/team');
  const invitee = `csp-${Date.now()}@example.com`;
  await owner.getByLabel('Email').fill(invitee);
  await owner.getByRole('button', { name: 'Send invitation' }).click();
  // The link is only ever emailed (never shown to the inviter): read it from the local relay.
  const [mail] = await mailsTo(invitee);
  const invitation = new URL(linkIn(mail!, /^\/invite\/[A-Za-z0-9]{32}$/)).pathname;

  const page = await (await browser.newContext()).newPage();
  const violations = await recordCspViolations(page);
  const nonces = new Set<string>();
  for (const path of ['/', '/sign-in', '/sign-in?callbackUrl=%2Fdashboard%2Fcosts', invitation, '/invite/not-a-real-invitation-token', '/demo', '/no-access']) {
    await visit(page, path, nonces);
  }
  expect(violations()).toEqual([]);

  // What an HTML injection adds: inline code in markup, here an event handler. The browser
  // refuses it, and the refusal is what the checks above would have caught on any page.
  // ('strict-dynamic' does trust scripts that running code creates: that is how Next's chunks load.)
  await page.goto('/sign-in');
  const ran = await page.evaluate(async () => {
    const injected = document.createElement('div');
    injected.innerHTML = '<img src="/no-such-image.png" onerror="window.__injected = true" alt="">';
    document.body.append(injected);
    await new Promise((resolve) => setTimeout(resolve, 500));
    return (window as unknown as { __injected?: boolean }).__injected === true;
  });
  expect(ran).toBe(false);
  await expect.poll(() => violations().length).toBeGreaterThan(0);
  expect(violations().join('\n')).toContain('script-src');
});

test('the widget chat frame keeps its own policy', async ({ request }) => {
  const response = await request.get('/widget/00000000-0000-4000-8000-000000000000?origin=https://nowhere.example');
  expect(response.status()).toBe(404);
  const policy = response.headers()['content-security-policy'];
  expect(policy).toContain("frame-ancestors 'none'");
  expect(policy).not.toContain('nonce-');
  expect(response.headers()['x-frame-options']).toBeUndefined();
});
