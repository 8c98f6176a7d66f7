import { expect, test } from '@playwright/test';
import { buildDocx, buildPdf } from '../tests/knowledge/fixtures';
import { signedInPage } from './helpers';

test('upload a PDF and a DOCX, watch them become ready, and find their content in the playground', async ({ browser }) => {
  const page = await signedInPage(browser, 'admin@acme.com');
  await page.getByRole('link', { name: 'Knowledge', exact: true }).click();
  await expect(page.getByRole('heading', { name: 'Knowledge', level: 1 })).toBeVisible();

  const pdf = Buffer.from(await buildPdf([['Nightly backups are kept for 35 days in the Frankfurt region.'], ['Restores take about ten minutes.']]));
  const docx = await buildDocx();
  await page.locator('#knowledge-files').setInputFiles([
    { name: 'backup-policy.pdf', mimeType: 'application/pdf', buffer: pdf },
    { name: 'warranty.docx', mimeType: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', buffer: docx },
  ]);
  await page.getByLabel('Category (optional)').fill('policies');
  await page.getByRole('button', { name: 'Upload 2 files' }).click();
  await expect(page.getByText('2 documents are queued for indexing.')).toBeVisible();

  // The page refreshes itself until both are ready.
  const pdfRow = page.getByTestId('document-row').filter({ hasText: 'Field Guide to Widgets' });
  const docxRow = page.getByTestId('document-row').filter({ hasText: 'warranty' });
  await expect(pdfRow.getByTestId('document-status')).toHaveText('Ready', { timeout: 30_000 });
  await expect(docxRow.getByTestId('document-status')).toHaveText('Ready', { timeout: 30_000 });

  await page.getByRole('link', { name: 'Search playground →' }).click();
  await page.getByLabel('Question').fill('how long are backups kept');
  await page.getByRole('button', { name: 'Search' }).click();
  const first = page.getByTestId('search-hit').first();
  await expect(first).toContainText('Field Guide to Widgets');
  await expect(first).toContainText('35 days');
  // Both signals with their values, and the fused score the passages are ordered by.
  await expect(first).toContainText(/meaning #\d+ \(similarity 0\.\d+\) · keyword #\d+ \(BM25 [\d.]+, strength [\d.]+\) · fused \d\.\d{3}/);

  // An off-topic question finds nothing: below the relevance floor, not three random passages.
  await page.getByLabel('Question').fill('what is the capital of France');
  await page.getByRole('button', { name: 'Search' }).click();
  await expect(page.getByText('No passage clears the relevance floor')).toBeVisible();
  await expect(page.getByTestId('search-hit')).toHaveCount(0);

  await page.getByLabel('Question').fill('extended warranty claims');
  await page.getByRole('button', { name: 'Search' }).click();
  await expect(page.getByTestId('search-hit').first()).toContainText('warranty');

  // The detail page shows the chunks with their headings.
  await page.getByTestId('search-hit').first().getByRole('link').click();
  await expect(page.getByTestId('chunk').first()).toContainText('Warranty policy');
});

test('an unsupported or broken file is explained, not silently dropped', async ({ browser }) => {
  const page = await signedInPage(browser, 'priya@acme.com');
  await page.goto('/dashboard/knowledge');
  await page.locator('#knowledge-files').setInputFiles([
    { name: 'sheet.xlsx', mimeType: 'application/octet-stream', buffer: Buffer.from([0x50, 0x4b, 0x03, 0x04, ...Buffer.from('xl/workbook.xml')]) },
    { name: 'broken.pdf', mimeType: 'application/pdf', buffer: Buffer.from('%PDF-1.7 this is not a real pdf') },
  ]);
  await page.getByRole('button', { name: 'Upload 2 files' }).click();
  await expect(page.getByText('sheet.xlsx: Spreadsheets (.xlsx) are not supported.', { exact: false })).toBeVisible();
  const row = page.getByTestId('document-row').filter({ hasText: 'broken' });
  await expect(row.getByTestId('document-status')).toHaveText('Failed', { timeout: 30_000 });
  await expect(row).toContainText('This PDF is damaged and cannot be read.');
});
