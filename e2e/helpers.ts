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
  await expect(page).toHaveURL(/\/dashboard$/);
  return page;
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
