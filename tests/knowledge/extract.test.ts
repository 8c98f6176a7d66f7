import { describe, expect, it } from 'vitest';
import { detectType, ExtractionError, extractDocument } from '@/lib/knowledge/extract';
import { buildDocx, buildEncryptedPdf, buildPdf } from './fixtures';

const encode = (text: string) => new TextEncoder().encode(text);

describe('extraction', () => {
  it('reads plain text, with UTF-8, UTF-16 and Windows-1252 encodings', async () => {
    expect((await extractDocument(encode('Café opening hours: 9 to 5.'), 'hours.txt')).text).toBe('Café opening hours: 9 to 5.');
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('Grüße aus Köln', 'utf16le')]);
    expect((await extractDocument(utf16, 'x.txt')).text).toBe('Grüße aus Köln');
    expect((await extractDocument(Buffer.from([0x43, 0x61, 0x66, 0xe9]), 'x.txt')).text).toBe('Café');
  });

  it('keeps markdown structure', async () => {
    const result = await extractDocument(encode('# Title\n\n## Section\n\n- one\n- two\n'), 'notes.md');
    expect(result.type).toBe('markdown');
    expect(result.text).toContain('## Section');
  });

  it('takes the main content of an HTML page, not its navigation', async () => {
    const html = `<!doctype html><html><head><title>Shipping | Globex</title></head><body>
      <nav><a href="/">Home</a><a href="/shop">Shop</a><a href="/about">About us</a></nav>
      <main><article><h1>Shipping times</h1>
      <p>Orders placed before 2 p.m. ship the same business day from our warehouse in Springfield. Standard delivery takes three to five business days, express delivery one to two.</p>
      <h2>International</h2><ul><li>Canada: 5 to 8 days</li><li>Europe: 7 to 12 days</li></ul>
      <p>Customs duties are collected by the carrier on delivery and are not included in the price shown at checkout.</p>
      </article></main><footer>© Globex. Privacy. Terms.</footer></body></html>`;
    const result = await extractDocument(encode(html), 'page.bin');
    expect(result.type).toBe('html');
    expect(result.text).toContain('# Shipping times');
    expect(result.text).toContain('- Canada: 5 to 8 days');
    expect(result.text).not.toContain('About us');
    expect(result.text).not.toContain('Privacy');
  });

  it('reads every page of a PDF and its title', async () => {
    const pdf = await buildPdf([['Widgets need oiling every six months.'], ['Page two: the warranty lasts two years.']]);
    const result = await extractDocument(pdf, 'guide.pdf');
    expect(result).toMatchObject({ type: 'pdf', title: 'Field Guide to Widgets', pageCount: 2 });
    expect(result.text).toContain('oiling every six months');
    expect(result.text).toContain('warranty lasts two years');
  });

  it('reads a DOCX with its headings and tables', async () => {
    const result = await extractDocument(await buildDocx(), 'policy.docx');
    expect(result.type).toBe('docx');
    expect(result.text).toContain('# Warranty policy');
    expect(result.text).toContain('## Claims');
    expect(result.text).toContain('Extended | Five');
  });

  it('detects the type from the content, not the name', async () => {
    const pdf = await buildPdf([['Hello']]);
    expect(detectType(pdf, 'notes.txt')).toBe('pdf');
    expect(detectType(await buildDocx(), 'notes.pdf')).toBe('docx');
  });

  it.each([
    ['an empty file', new Uint8Array(), /empty/],
    ['a corrupt PDF', encode('%PDF-1.7\n garbage garbage'), /damaged/],
    ['an encrypted PDF', buildEncryptedPdf(), /encrypted/],
    ['a PDF without text', null, /no extractable text/],
    ['a corrupt DOCX', Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04]), Buffer.from('word/document.xml broken')]), /damaged/],
    ['an image', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0]), /Images are not supported/],
    ['a binary blob', Buffer.from([1, 2, 3, 0, 5, 6, 7, 0, 9]), /not a supported type/],
    ['whitespace only', encode('   \n\n  \t'), /No text found/],
  ])('fails %s with a clear reason', async (_name, bytes, reason) => {
    const input = bytes ?? (await buildPdf([[]]));
    await expect(extractDocument(input, 'file')).rejects.toThrow(ExtractionError);
    await expect(extractDocument(input, 'file')).rejects.toThrow(reason);
  });
});

describe('text that PostgreSQL cannot store', () => {
  it('reads UTF-32 with a byte-order mark', async () => {
    const text = 'Grüße 👋';
    const body = Buffer.alloc(4 * [...text].length);
    [...text].forEach((char, i) => body.writeUInt32LE(char.codePointAt(0)!, i * 4));
    const result = await extractDocument(Buffer.concat([Buffer.from([0xff, 0xfe, 0, 0]), body]), 'x.txt');
    expect(result.text).toBe(text);
  });

  it('drops control characters', async () => {
    // A file with NUL bytes is refused as binary; NULs reach here from PDF text layers.
    const result = await extractDocument(Buffer.from('Opening\u0007 hours\u001b: 9 to 5', 'utf8'), 'x.md');
    expect(result.text).toBe('Opening hours: 9 to 5');
  });
});
