import { expect, test } from '@playwright/test';
import { article, startWebsite, type Website } from '../tests/helpers/website';
import { signedInPage } from './helpers';

// A tenant points the assistant at its website, watches the crawl, finds a page's content,
// the page changes, "Sync now", and the answer follows the site: the new text, not the old.
const sitePort = Number(process.env.E2E_WEBSITE_PORT);
let site: Website;

test.beforeAll(async () => {
  site = await startWebsite(sitePort);
  site.robots = 'User-agent: *\nDisallow: /internal\n';
  site.pages.set('/', { body: article('Harbour Ferries help', 'Everything about travelling with Harbour Ferries.', ['/timetable', '/tickets', '/internal']), etag: true });
  site.pages.set('/timetable', { body: article('Zanzibar ferry timetable', 'The first Zanzibar ferry departs at 7:15 from pier four every morning.'), etag: true });
  // Slow enough to see the crawl running.
  site.pages.set('/tickets', { body: article('Tickets', 'Tickets for the lagoon shuttle are sold at the kiosk and online.'), delayMs: 3000 });
  site.pages.set('/internal', { body: article('Internal', 'Staff rota, not for crawlers.') });
});
test.afterAll(async () => site?.close());

test('crawl a website, find its content, change a page, sync now, find the new text and not the old', async ({ browser }) => {
  const page = await signedInPage(browser, 'admin@acme.com');
  await page.goto('/dashboard/knowledge');
  await page.getByLabel('What to add').selectOption('website');
  await page.getByLabel('Start page address').fill(`http://127.0.0.1:${sitePort}/`);
  await page.getByLabel('Name (optional)').fill('Harbour Ferries site');
  await page.getByLabel('Re-sync').selectOption('daily');
  await page.getByRole('button', { name: 'Add source' }).click();

  const row = page.getByTestId('source-row').filter({ hasText: 'Harbour Ferries site' });
  await expect(row).toBeVisible();
  // Progress while it crawls, then done with what it found.
  await expect(row.getByTestId('sync-status')).toHaveText(/Running · \d+ of \d+ pages/, { timeout: 30_000 });
  await expect(row.getByTestId('sync-status')).toHaveText('Done', { timeout: 60_000 });
  await expect(row).toContainText('3 new');
  // Daily: the next sync has a date, not "Off".
  await expect(row).not.toContainText('Off');
  expect(site.hits('/internal')).toBe(0);

  await page.getByRole('link', { name: 'Search playground →' }).click();
  await page.getByLabel('Question').fill('zanzibar ferry departs from pier');
  await page.getByRole('button', { name: 'Search' }).click();
  await expect(page.getByTestId('search-hit').first()).toContainText('7:15');

  // The page changes on the site; Sync now picks it up.
  site.pages.set('/timetable', { body: article('Zanzibar ferry timetable', 'From June the first Zanzibar ferry departs at 9:40 from pier six every morning.'), etag: true });
  await page.goto('/dashboard/knowledge');
  await row.getByRole('button', { name: 'Sync now' }).click();
  await expect(row.getByTestId('sync-status')).toHaveText('Done', { timeout: 60_000 });
  await expect(row).toContainText('1 changed');

  await page.goto('/dashboard/knowledge/search');
  await page.getByLabel('Question').fill('zanzibar ferry departs from pier');
  await page.getByRole('button', { name: 'Search' }).click();
  const hits = page.getByTestId('search-hit');
  await expect(hits.first()).toContainText('9:40');
  await expect(hits.filter({ hasText: '7:15' })).toHaveCount(0);

  // The source's page lists what it crawled, with robots.txt's refusal explained.
  await page.goto('/dashboard/knowledge');
  await row.getByRole('link', { name: 'Harbour Ferries site' }).click();
  await expect(page.getByTestId('source-page').filter({ hasText: '/internal' })).toContainText('Disallowed by robots.txt.');
  await expect(page.getByTestId('sync-row')).toHaveCount(2);
});
