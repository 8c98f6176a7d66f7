import { expect, type Browser, type Page } from '@playwright/test';

export const DEMO_PASSWORD = 'password123';

/** A fresh browser context signed in with email and password. */
export async function signedInPage(browser: Browser, email: string, password = DEMO_PASSWORD): Promise<Page> {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto('/sign-in');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  // Generous: on the embedded database, sign-in shares the process with background indexing.
  await expect(page).toHaveURL(/\/dashboard$/, { timeout: 20_000 });
  return page;
}

export type SentMail = { to: string[]; body: string; receivedAt: string };

/** The mails the app sent to `to` (through the local relay, e2e/mail-server.ts), waiting for at least `atLeast`. */
export async function mailsTo(to: string, atLeast = 1): Promise<SentMail[]> {
  let mails: SentMail[] = [];
  await expect
    .poll(async () => {
      const response = await fetch(`${process.env.E2E_MAILBOX_URL}/messages?to=${encodeURIComponent(to)}`);
      mails = (await response.json()) as SentMail[];
      return mails.length;
    }, { message: `mail to ${to}`, timeout: 15_000 })
    .toBeGreaterThanOrEqual(atLeast);
  return mails;
}

/** The first link to this app in a mail (quoted-printable soft breaks undone). */
export function linkIn(mail: SentMail, path: RegExp): string {
  const text = mail.body.replace(/=\r?\n/g, '').replace(/=3D/g, '=');
  const link = [...text.matchAll(/https?:\/\/[^\s"<>]+/g)].map((match) => match[0]).find((url) => path.test(new URL(url).pathname));
  if (!link) throw new Error(`No link matching ${path} in the mail to ${mail.to.join(', ')}`);
  return link;
}

/**
 * Records every Content-Security-Policy violation in the page and its frames, across
 * navigations: the browser's own console report and the document's securitypolicyviolation
 * event (Playwright's init scripts are not subject to the page's policy).
 */
export async function recordCspViolations(page: Page): Promise<() => string[]> {
  const violations: string[] = [];
  page.on('console', (message) => {
    if (/Content Security Policy/i.test(message.text())) violations.push(`${page.url()}: ${message.text()}`);
  });
  await page.exposeFunction('__reportCspViolation', (report: string) => violations.push(report));
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (event) => {
      const report = (window as unknown as { __reportCspViolation: (report: string) => void }).__reportCspViolation;
      report(`${location.href}: ${event.effectiveDirective} refused ${event.blockedURI || 'inline code'}`);
    });
  });
  return () => [...violations];
}
