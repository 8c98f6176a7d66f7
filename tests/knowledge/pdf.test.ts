import { existsSync } from 'node:fs';
import path from 'node:path';
import { extractText, getDocumentProxy } from 'unpdf';
import { describe, expect, it } from 'vitest';
import { ExtractionError, extractDocument, pdfEngineData, skippedPagesNote } from '@/lib/knowledge/extract';
import {
  buildAnnotatedFormPdf,
  buildCjkPdf,
  buildImageOnlyPdf,
  buildPdf,
  buildPdfWithBrokenPages,
  buildVectorOnlyPdf,
} from './fixtures';

// PDF text that is not lost: pages that throw, CJK fonts that need character maps, text in
// annotations and form fields, and an honest reason when there is no text at all.

const failure = (bytes: Uint8Array) =>
  extractDocument(bytes, 'file.pdf').then(
    () => undefined,
    (error: Error) => error,
  );

describe('a page that cannot be read', () => {
  const lines = ['Page one: oil widgets twice a year.', 'Page two: this page is broken.', 'Page three: the warranty lasts two years.'];

  it('throws in pdf.js and failed the whole document when pages were read together', async () => {
    const pdf = await getDocumentProxy(buildPdfWithBrokenPages(lines, [2]), pdfEngineData());
    const page = await pdf.getPage(2);
    await expect(page.getTextContent()).rejects.toThrow(/XRef entry/);
    // What extraction did before: every page at once, one failure for all.
    await expect(extractText(pdf, { mergePages: false })).rejects.toThrow(/XRef entry/);
    await pdf.destroy();
  });

  it('is skipped: the other pages are kept and the skipped ones noted', async () => {
    const result = await extractDocument(buildPdfWithBrokenPages([...lines, 'Page four: returns within 30 days.', 'Page five.'], [2, 4]), 'manual.pdf');
    expect(result.text).toContain('Page one: oil widgets twice a year.');
    expect(result.text).toContain('Page three: the warranty lasts two years.');
    expect(result.text).toContain('Page five.');
    expect(result.text).not.toContain('broken');
    expect(result).toMatchObject({ pageCount: 5, skippedPages: [2, 4] });
  });

  it('fails the document only when every page fails', async () => {
    const error = await failure(buildPdfWithBrokenPages(lines, [1, 2, 3]));
    expect(error).toBeInstanceOf(ExtractionError);
    expect(error!.message).toBe('This PDF is damaged: none of its 3 pages could be read.');
  });

  it('reads a clean PDF with no skipped pages', async () => {
    const result = await extractDocument(buildPdfWithBrokenPages(lines, []), 'manual.pdf');
    expect(result.skippedPages).toBeUndefined();
    expect(result.text.split('\n\n')).toEqual(lines);
  });

  it.each([
    [[3], 'Page 3 could not be read and was skipped.'],
    [[3, 7], 'Pages 3 and 7 could not be read and were skipped.'],
    [[2, 3, 4, 9, 12, 13], 'Pages 2–4, 9 and 12–13 could not be read and were skipped.'],
  ])('is noted in words: %j', (pages, note) => {
    expect(skippedPagesNote(pages)).toBe(note);
  });
});

describe('CJK text in fonts that are not embedded', () => {
  const japanese = ['返品は三十日以内に受け付けます。', '保証期間は二年間です。'];
  const korean = ['반품은 삼십일 이내에 가능합니다.', '보증 기간은 이 년입니다.'];

  it.each([
    ['Japanese', buildCjkPdf('japanese', japanese), japanese],
    ['Korean', buildCjkPdf('korean', korean), korean],
  ])('reads %s with the character maps', async (_name, bytes, expected) => {
    const { text } = await extractDocument(bytes, 'cjk.pdf');
    for (const line of expected) expect(text.replace(/\s+/g, '')).toContain(line.replace(/\s+/g, ''));
  });

  it.each([
    ['Japanese', buildCjkPdf('japanese', japanese)],
    ['Korean', buildCjkPdf('korean', korean)],
  ])('loses %s text without them (unpdf defaults)', async (_name, bytes) => {
    const { text } = await extractText(await getDocumentProxy(bytes), { mergePages: true });
    expect(text.trim()).toBe('');
  });

  it('finds the character maps and standard fonts of the installed pdf.js', () => {
    const data = pdfEngineData();
    expect(data.cMapPacked).toBe(true);
    expect(existsSync(path.join(data.cMapUrl, 'UniJIS-UCS2-H.bcmap'))).toBe(true);
    expect(existsSync(path.join(data.cMapUrl, 'UniKS-UCS2-H.bcmap'))).toBe(true);
    expect(existsSync(path.join(data.standardFontDataUrl, 'FoxitSerif.pfb'))).toBe(true);
    expect(existsSync(path.join(data.standardFontDataUrl, 'LiberationSans-Regular.ttf'))).toBe(true);
  });
});

describe('annotations and form fields', () => {
  it('appends comments and filled-in field values to their page, never passwords or checkbox states', async () => {
    const { text } = await extractDocument(await buildAnnotatedFormPdf(), 'form.pdf');
    expect(text).toContain('Return request form');
    expect(text).toContain('Reviewer: the restocking fee was waived in 2024.');
    expect(text).toContain('Refunds are paid to the original card within 5 business days.');
    expect(text).toContain('Customer name: Globex Corporation');
    expect(text).toContain('Wrong size');
    expect(text).not.toContain('Damaged on arrival');
    expect(text).not.toContain('8675309');
    expect(text).not.toMatch(/\bYes\b|\bOff\b/);
    expect(text.indexOf('Return request form')).toBeLessThan(text.indexOf('Reviewer'));
  });
});

describe('a PDF without text', () => {
  it.each([
    ['an image XObject', () => buildImageOnlyPdf()],
    ['an inline image', () => buildImageOnlyPdf({ inline: true })],
  ])('says "images only" when its pages are images (%s)', async (_name, build) => {
    const error = await failure(await build());
    expect(error).toBeInstanceOf(ExtractionError);
    expect(error!.message).toMatch(/images only/);
    expect(error!.message).toMatch(/OCR/);
  });

  it.each([
    ['vector drawings', buildVectorOnlyPdf],
    ['empty pages', () => buildPdf([[], []])],
  ])('says "no extractable text", not "images", for %s', async (_name, build) => {
    const error = await failure(await build());
    expect(error).toBeInstanceOf(ExtractionError);
    expect(error!.message).toMatch(/no extractable text/);
    expect(error!.message).not.toMatch(/images only|scanned|OCR/);
  });

  it('names the pages it could not read', async () => {
    const error = await failure(buildPdfWithBrokenPages(['', 'Broken page.'], [2]));
    expect(error!.message).toMatch(/no extractable text.*Page 2 could not be read and was skipped\.$/);
  });
});
