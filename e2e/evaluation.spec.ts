import { expect, test } from '@playwright/test';
import { signedInPage } from './helpers';

// Evaluation end to end: a test set (imported from a CSV after fixing its bad rows), run
// against the live personality version and against a draft, compared side by side. Answers
// and grades come from the local model server (e2e/model-server.ts), which, like a real
// server, stops a reply at the request's max tokens: the draft's 16-token limit cuts answers
// before their citations, which the runs must catch as a regression.

const BAD_CSV = [
  'question,expected_documents,expected_section,unanswerable',
  'How much does the Growth plan cost?,Acme Pulse pricing,,no',
  'Do you sell gift cards?,Gift card terms,,no',
  'What is the capital of France?,Acme Pulse pricing,,yes',
].join('\n');

const GOOD_CSV = [
  'question,expected_documents,expected_section,unanswerable',
  'How much does the Growth plan cost?,Acme Pulse pricing,,no',
  '"Can I pause alerts during maintenance, and how?",Acme Pulse product FAQ,Can I pause alerts during maintenance?,no',
  'What is the capital of France?,,,yes',
].join('\n');

test('create a test set, run it against two personality versions, see the comparison and the regressions', async ({ browser }) => {
  test.setTimeout(180_000);
  const page = await signedInPage(browser, 'priya@acme.com');

  // A draft version of the default personality with a much lower reply limit.
  await page.goto('/dashboard/personalities');
  await page.getByTestId('personality-card').filter({ hasText: 'Acme Support' }).getByRole('link', { name: 'Edit' }).click();
  await page.getByLabel('Max tokens per reply').fill('16');
  await page.getByLabel('What changed (optional)').fill('Much shorter replies');
  await page.getByRole('button', { name: 'Save as draft version' }).click();
  await expect(page.getByText(/Saved as draft version \d+\. Test it under Evaluation/)).toBeVisible();
  await expect(page.getByTestId('version-row').first()).toContainText('Draft');
  await expect(page.getByTestId('version-row').first()).toContainText('Much shorter replies');

  // A test set, imported from a CSV: a file with bad rows imports nothing and says which rows.
  await page.getByRole('link', { name: 'Evaluation', exact: true }).click();
  // The personality editor has a Name field too: fill only once the Evaluation page is there.
  await expect(page.getByRole('heading', { name: 'Evaluation', level: 1 })).toBeVisible();
  await page.getByLabel('Name').fill('Pricing and alerts');
  await page.getByRole('button', { name: 'Create test set' }).click();
  await expect(page.getByRole('heading', { name: 'Pricing and alerts' })).toBeVisible();
  await page.locator('#import-file').setInputFiles({ name: 'questions.csv', mimeType: 'text/csv', buffer: Buffer.from(BAD_CSV) });
  await page.getByRole('button', { name: 'Import questions' }).click();
  await expect(page.getByText('Nothing was imported: some rows have problems.')).toBeVisible();
  const errors = page.getByTestId('import-errors');
  await expect(errors).toContainText('Row 3: no document in your knowledge is titled "Gift card terms".');
  await expect(errors).toContainText('Row 4: An unanswerable question cannot also have expected documents or an expected answer.');
  await expect(page.getByTestId('question-row')).toHaveCount(0);
  await page.locator('#import-file').setInputFiles({ name: 'questions.csv', mimeType: 'text/csv', buffer: Buffer.from(GOOD_CSV) });
  await page.getByRole('button', { name: 'Import questions' }).click();
  await expect(page.getByText('3 questions imported.')).toBeVisible();
  await expect(page.getByTestId('question-row')).toHaveCount(3);

  // Run it against the live version: answers written and graded, progress until completed.
  await expect(page.getByLabel('Personality version')).toHaveValue(/.+/);
  await expect(page.getByLabel('Personality version').locator('option:checked')).toContainText('(live)');
  await page.getByRole('button', { name: 'Run test set' }).click();
  await expect(page.getByTestId('run-progress')).toContainText('of 3 questions');
  await expect(page.getByTestId('run-progress').locator('[data-status]')).toHaveAttribute('data-status', 'completed', { timeout: 60_000 });
  await expect(page.getByTestId('run-progress')).toContainText('3 of 3 questions');
  const first = page.getByTestId('result-row').filter({ hasText: 'How much does the Growth plan cost?' });
  await expect(first).toContainText('Pass');
  await first.locator('summary').click();
  await expect(first.getByTestId('result-answer')).toContainText('From the knowledge base:');
  await expect(first.getByText('expected', { exact: true }).first()).toBeVisible();
  await expect(page.getByTestId('result-row').filter({ hasText: 'capital of France' })).toContainText('Pass');
  await expect(page.getByTestId('metrics-table').locator('[data-metric="recallAt3"]')).toContainText('1.00');

  // Run it against the draft: the same questions, the draft's settings.
  await page.getByRole('link', { name: '← Pricing and alerts' }).click();
  const draft = page.getByLabel('Personality version').locator('option', { hasText: 'Much shorter replies' });
  await page.getByLabel('Personality version').selectOption({ label: (await draft.textContent())! });
  await page.getByRole('button', { name: 'Run test set' }).click();
  await expect(page.getByTestId('run-progress').locator('[data-status]')).toHaveAttribute('data-status', 'completed', { timeout: 60_000 });
  await expect(page.getByTestId('regressions')).toContainText('passed in the previous run');
  await expect(page.getByTestId('regressions')).toContainText('How much does the Growth plan cost?');
  await expect(page.getByTestId('result-row').filter({ hasText: 'How much does the Growth plan cost?' })).toHaveAttribute('data-change', 'regressed');

  // Side by side: both versions' scores, the drops highlighted, regressions first.
  await page.getByRole('link', { name: 'Compare with the previous run' }).click();
  await expect(page.getByRole('heading', { name: 'Compare runs' })).toBeVisible();
  await expect(page.getByTestId('comparison-summary')).toContainText(/\d+ questions? regressed; \d+ metrics? dropped\./);
  const table = page.getByTestId('metrics-table');
  await expect(table.locator('th', { hasText: /^Before: Acme Support v\d+$/ })).toBeVisible();
  await expect(table.locator('th', { hasText: /^After: Acme Support v\d+$/ })).toBeVisible();
  await expect(table.locator('[data-metric="passRate"] [data-dropped]')).toBeVisible();
  // Retrieval does not depend on the personality: the same on both sides.
  await expect(table.locator('[data-metric="recallAt3"] [data-dropped]')).toHaveCount(0);
  await expect(page.getByTestId('comparison-row').first()).toHaveAttribute('data-change', 'regressed');

  // Both runs are kept and listed.
  await page.goto('/dashboard/evaluation');
  await expect(page.getByTestId('run-row')).toHaveCount(2);
});

test('a read-only member sees evaluation but cannot run or change it', async ({ browser }) => {
  const page = await signedInPage(browser, 'sam@acme.com');
  await page.goto('/dashboard/evaluation');
  await expect(page.getByRole('heading', { name: 'Evaluation' })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Create test set' })).toHaveCount(0);
  const set = page.getByTestId('test-set-row').first();
  if (await set.count()) {
    await set.getByRole('link').first().click();
    await expect(page.getByRole('button', { name: 'Run test set' })).toHaveCount(0);
    await expect(page.getByRole('button', { name: 'Import questions' })).toHaveCount(0);
  }
});
