import 'server-only';
import { Readability } from '@mozilla/readability';
import { parseHTML } from 'linkedom';
import mammoth from 'mammoth';
import path from 'node:path';
import { getDocumentProxy, getMeta, getResolvedPDFJS } from 'unpdf';
import type { PDFDocumentProxy } from 'unpdf/pdfjs';
import { assertZipExpandsWithin, ZipExpansionError, ZipFormatError } from './zip-guard';
import { markdownTitle } from './chunking';

// Turns an uploaded file into markdown-flavoured plain text: headings as `#` lines, list items
// as `- ` lines, table rows as `a | b` lines, so the chunker can follow the structure.
// The type is detected from the bytes, never trusted from the file name.

export type DocumentType = 'pdf' | 'docx' | 'html' | 'markdown' | 'text';

export type ExtractedDocument = {
  type: DocumentType;
  title?: string;
  text: string;
  pageCount?: number;
  /** PDF pages (1-based) that could not be read and were left out; see skippedPagesNote. */
  skippedPages?: number[];
};

/** A file that cannot be indexed, with a reason a person understands. Never retried. */
export class ExtractionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ExtractionError';
  }
}

const MIME_TYPES: Record<DocumentType, string> = {
  pdf: 'application/pdf',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  html: 'text/html',
  markdown: 'text/markdown',
  text: 'text/plain',
};

export const mimeTypeOf = (type: DocumentType) => MIME_TYPES[type];

const startsWith = (bytes: Uint8Array, ...signature: number[]) => signature.every((byte, i) => bytes[i] === byte);

function containsAscii(bytes: Uint8Array, needle: string, limit = bytes.length): boolean {
  return Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(limit, bytes.length)).includes(needle, 0, 'latin1');
}

/** UTF-16 without a byte-order mark: mostly-ASCII text has a zero in every other byte. */
function utf16WithoutBom(bytes: Uint8Array): 'utf-16le' | 'utf-16be' | undefined {
  const sample = bytes.subarray(0, 4096);
  if (sample.length < 4) return undefined;
  let evenZeros = 0;
  let oddZeros = 0;
  for (let i = 0; i + 1 < sample.length; i += 2) {
    if (sample[i] === 0) evenZeros++;
    if (sample[i + 1] === 0) oddZeros++;
  }
  const pairs = Math.floor(sample.length / 2);
  const encoding = evenZeros / pairs > 0.4 && oddZeros / pairs < 0.05 ? 'utf-16be' : oddZeros / pairs > 0.4 && evenZeros / pairs < 0.05 ? 'utf-16le' : undefined;
  if (!encoding || sample.length < 16) return undefined;
  // The other bytes must read as text, not as arbitrary binary that happens to contain zeros.
  const decoded = new TextDecoder(encoding).decode(sample);
  const control = [...decoded].filter((char) => char < ' ' && !'\n\r\t'.includes(char)).length;
  return control / decoded.length < 0.05 ? encoding : undefined;
}

/** Decodes text as UTF-8 (BOM aware), UTF-16 (with or without a BOM), or Windows-1252 when it is not valid UTF-8. */
export function decodeText(bytes: Uint8Array): string {
  // UTF-32 with a byte-order mark (TextDecoder has no UTF-32).
  const utf32 = startsWith(bytes, 0xff, 0xfe, 0, 0) ? 'le' : startsWith(bytes, 0, 0, 0xfe, 0xff) ? 'be' : undefined;
  if (utf32) {
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const points: number[] = [];
    for (let i = 4; i + 4 <= bytes.length; i += 4) {
      const point = view.getUint32(i, utf32 === 'le');
      if (point <= 0x10ffff) points.push(point);
    }
    return String.fromCodePoint(...points);
  }
  if (startsWith(bytes, 0xff, 0xfe)) return new TextDecoder('utf-16le').decode(bytes.subarray(2));
  if (startsWith(bytes, 0xfe, 0xff)) return new TextDecoder('utf-16be').decode(bytes.subarray(2));
  const utf16 = utf16WithoutBom(bytes);
  if (utf16) return new TextDecoder(utf16).decode(bytes);
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    return new TextDecoder('windows-1252').decode(bytes);
  }
}

function looksBinary(bytes: Uint8Array): boolean {
  const sample = bytes.subarray(0, 8192);
  let control = 0;
  for (const byte of sample) {
    if (byte === 0) return true;
    if (byte < 9 || (byte > 13 && byte < 32)) control++;
  }
  return sample.length > 0 && control / sample.length > 0.1;
}

export function detectType(bytes: Uint8Array, fileName = ''): DocumentType {
  if (startsWith(bytes, 0x25, 0x50, 0x44, 0x46, 0x2d)) return 'pdf';
  if (startsWith(bytes, 0x50, 0x4b, 0x03, 0x04)) {
    if (containsAscii(bytes, 'word/')) return 'docx';
    if (containsAscii(bytes, 'xl/')) throw new ExtractionError('Spreadsheets (.xlsx) are not supported. Export the sheet as a PDF or paste its text into a .txt file.');
    if (containsAscii(bytes, 'ppt/')) throw new ExtractionError('Presentations (.pptx) are not supported. Export the slides as a PDF.');
    if (containsAscii(bytes, 'epub')) throw new ExtractionError('E-books (.epub) are not supported.');
    if (containsAscii(bytes, 'opendocument')) throw new ExtractionError('OpenDocument files (.odt, .ods, .odp) are not supported. Save the file as .docx or PDF.');
    throw new ExtractionError('ZIP archives are not supported. Upload the documents inside it one by one.');
  }
  if (startsWith(bytes, 0xd0, 0xcf, 0x11, 0xe0)) {
    throw new ExtractionError('Old Microsoft Office files (.doc, .xls, .msg) are not supported. Save the file as .docx or PDF.');
  }
  if (startsWith(bytes, 0x89, 0x50, 0x4e, 0x47) || startsWith(bytes, 0xff, 0xd8, 0xff) || startsWith(bytes, 0x47, 0x49, 0x46)) {
    throw new ExtractionError('Images are not supported: there is no text to read in them.');
  }
  if (startsWith(bytes, 0x7b, 0x5c, 0x72, 0x74, 0x66)) throw new ExtractionError('Rich Text Format (.rtf) is not supported. Save it as .docx or PDF.');
  const hasBom = startsWith(bytes, 0xff, 0xfe) || startsWith(bytes, 0xfe, 0xff) || startsWith(bytes, 0, 0, 0xfe, 0xff);
  if (!hasBom && !utf16WithoutBom(bytes) && looksBinary(bytes)) {
    throw new ExtractionError('This file is not a supported type. Upload text, Markdown, HTML, PDF or DOCX.');
  }
  const head = decodeText(bytes.subarray(0, 4096)).trimStart().toLowerCase();
  if (/^(<!doctype html|<html[\s>]|<head[\s>]|<body[\s>])/.test(head) || (/\.x?html?$/i.test(fileName) && head.startsWith('<'))) return 'html';
  if (/\.(md|markdown)$/i.test(fileName)) return 'markdown';
  return 'text';
}

const BLOCK_TAGS = new Set(['P', 'DIV', 'SECTION', 'ARTICLE', 'BLOCKQUOTE', 'PRE', 'FIGCAPTION', 'DD', 'DT', 'ADDRESS']);

/** Walks an HTML tree into the markdown-flavoured text the chunker understands. */
function htmlToText(root: Element): string {
  const blocks: string[] = [];
  const clean = (text: string) => text.replace(/\s+/g, ' ').trim();
  const visit = (node: Element) => {
    for (const child of Array.from(node.children)) {
      const tag = child.tagName;
      if (['SCRIPT', 'STYLE', 'NOSCRIPT', 'TEMPLATE', 'SVG', 'NAV', 'FOOTER', 'ASIDE', 'FORM', 'BUTTON'].includes(tag)) continue;
      const heading = /^H([1-6])$/.exec(tag);
      if (heading) {
        const text = clean(child.textContent ?? '');
        if (text) blocks.push(`${'#'.repeat(Number(heading[1]))} ${text}`);
      } else if (tag === 'UL' || tag === 'OL') {
        const items = Array.from(child.children)
          .filter((item) => item.tagName === 'LI')
          .map((item, i) => `${tag === 'OL' ? `${i + 1}.` : '-'} ${clean(item.textContent ?? '')}`)
          .filter((line) => line.length > 2);
        if (items.length) blocks.push(items.join('\n'));
      } else if (tag === 'TABLE') {
        const rows = Array.from(child.querySelectorAll('tr'))
          .map((row) => Array.from(row.children).map((cell) => clean(cell.textContent ?? '')).join(' | '))
          .filter((row) => row.replace(/[|\s]/g, ''));
        if (rows.length) blocks.push(rows.join('\n'));
      } else if (tag === 'PRE') {
        const text = (child.textContent ?? '').trim();
        if (text) blocks.push(text);
      } else if (BLOCK_TAGS.has(tag) && !child.querySelector('h1,h2,h3,h4,h5,h6,ul,ol,table,p,div,section,article,pre')) {
        const text = clean(child.textContent ?? '');
        if (text) blocks.push(text);
      } else {
        visit(child);
        if (child.children.length === 0 && !BLOCK_TAGS.has(tag)) {
          const text = clean(child.textContent ?? '');
          if (text && tag !== 'BR' && tag !== 'IMG') blocks.push(text);
        }
      }
    }
  };
  visit(root);
  return blocks.join('\n\n');
}

function extractHtml(html: string): { title?: string; text: string } {
  // A fragment (no <body>) is wrapped so it parses into a normal document.
  const { document } = parseHTML(/<body[\s>]/i.test(html) ? html : `<!doctype html><html><body>${html}</body></html>`);
  const title = document.querySelector('title')?.textContent?.trim() || undefined;
  // Readability keeps the main content and drops navigation, sidebars and footers.
  const article = new Readability(document.cloneNode(true) as unknown as Document, { charThreshold: 200 }).parse();
  if (article?.content) {
    const { document: main } = parseHTML(`<!doctype html><html><body>${article.content}</body></html>`);
    const text = htmlToText(main.body as unknown as Element);
    if (text.trim()) return { title: article.title?.trim() || title, text };
  }
  const body = document.querySelector('body') as unknown as Element | null;
  const text = (body && htmlToText(body)) || htmlToText(document.documentElement as unknown as Element);
  return { title, text };
}

/**
 * Where pdf.js finds the character maps of CJK fonts that are not embedded (without them such
 * text comes out empty) and the data of the standard 14 fonts: the pdfjs-dist package, the same
 * pdf.js version unpdf bundles, resolved at run time from this module, in the extraction process
 * (the TypeScript source under tsx, or dist/extraction-child.mjs after `next build`). Plain
 * directory paths: in Node, pdf.js reads them with fs, which does not take the file:// addresses
 * unpdf would default to (they fail to load).
 */
export function pdfEngineData(): { cMapUrl: string; cMapPacked: true; standardFontDataUrl: string } {
  // Through getBuiltinModule: Next's bundler (this module also runs in the web process, for
  // source syncs) would replace a visible createRequire(...).resolve(...) by a module id.
  const { createRequire } = process.getBuiltinModule('node:module');
  const packageJson = createRequire(import.meta.url).resolve('pdfjs-dist/package.json');
  const root = path.dirname(packageJson);
  return { cMapUrl: `${root}/cmaps/`, cMapPacked: true, standardFontDataUrl: `${root}/standard_fonts/` };
}

type PdfAnnotation = {
  subtype?: string;
  contentsObj?: { str?: string };
  fieldType?: string;
  fieldValue?: unknown;
  password?: boolean;
  alternativeText?: string;
  options?: { exportValue?: string; displayValue?: string }[];
};

/**
 * Text a page carries outside its content stream: comments (the /Contents of text, free-text
 * and other markup annotations; a popup only repeats its parent's) and the values of filled-in
 * form fields (text fields and chosen list items, labelled with the field's tooltip when it has
 * one; never password fields, nor checkboxes, whose values are only "Yes"/"Off").
 */
function annotationText(annotations: PdfAnnotation[]): string[] {
  const lines: string[] = [];
  for (const annotation of annotations) {
    if (annotation.subtype === 'Widget') {
      let values: string[] = [];
      if (annotation.fieldType === 'Tx' && !annotation.password) values = [annotation.fieldValue].flat().map(String);
      if (annotation.fieldType === 'Ch') {
        values = [annotation.fieldValue].flat().map((value) => annotation.options?.find((option) => option.exportValue === value)?.displayValue ?? String(value));
      }
      const value = values.map((text) => text.trim()).filter(Boolean).join(', ');
      const label = annotation.alternativeText?.trim();
      if (value) lines.push(label ? `${label}: ${value}` : value);
    } else if (annotation.subtype !== 'Popup' && annotation.contentsObj?.str?.trim()) {
      lines.push(annotation.contentsObj.str.trim());
    }
  }
  return [...new Set(lines)];
}

/** "Page 3", "Pages 3 and 7", "Pages 2–4, 9 and 12": runs of consecutive pages as ranges. */
function pageList(pages: number[]): string {
  const runs: string[] = [];
  for (let i = 0; i < pages.length; i++) {
    let end = i;
    while (end + 1 < pages.length && pages[end + 1] === pages[end]! + 1) end++;
    runs.push(end > i ? `${pages[i]}–${pages[end]}` : String(pages[i]));
    i = end;
  }
  const list = runs.length > 1 ? `${runs.slice(0, -1).join(', ')} and ${runs.at(-1)}` : runs[0]!;
  return `${pages.length > 1 ? 'Pages' : 'Page'} ${list}`;
}

/** The note a document keeps when some of its PDF pages could not be read. */
export function skippedPagesNote(pages: number[]): string {
  return `${pageList(pages)} could not be read and ${pages.length > 1 ? 'were' : 'was'} skipped.`;
}

/** Whether any page paints an image: a PDF of scanned pages, as opposed to one of drawings only. */
async function hasImages(pdf: PDFDocumentProxy, pageNumbers: number[]): Promise<boolean> {
  const { OPS } = await getResolvedPDFJS();
  const imageOperators = new Set<number>([
    OPS.paintImageXObject,
    OPS.paintImageXObjectRepeat,
    OPS.paintInlineImageXObject,
    OPS.paintInlineImageXObjectGroup,
    OPS.paintImageMaskXObject,
    OPS.paintImageMaskXObjectGroup,
    OPS.paintImageMaskXObjectRepeat,
    OPS.paintSolidColorImageMask,
  ]);
  for (const pageNumber of pageNumbers) {
    try {
      const page = await pdf.getPage(pageNumber);
      const { fnArray } = await page.getOperatorList();
      page.cleanup();
      if (fnArray.some((operator) => imageOperators.has(operator))) return true;
    } catch {
      // A page that cannot be drawn says nothing either way.
    }
  }
  return false;
}

async function extractPdf(bytes: Uint8Array): Promise<{ title?: string; text: string; pageCount: number; skippedPages?: number[] }> {
  let pdf: PDFDocumentProxy;
  try {
    pdf = await getDocumentProxy(new Uint8Array(bytes), pdfEngineData());
  } catch (error) {
    const name = (error as { name?: string }).name;
    if (name === 'PasswordException') throw new ExtractionError('This PDF is encrypted with a password. Upload an unprotected copy.');
    throw new ExtractionError('This PDF is damaged and cannot be read.');
  }
  try {
    const pageCount = pdf.numPages;
    const pages: string[] = [];
    const readPages: number[] = [];
    const skippedPages: number[] = [];
    let firstPageError: unknown;
    // One page at a time, each on its own: a page that cannot be read (a broken cross-reference
    // entry, a damaged content stream) costs that page, not the document.
    for (let pageNumber = 1; pageNumber <= pageCount; pageNumber++) {
      try {
        const page = await pdf.getPage(pageNumber);
        const content = await page.getTextContent();
        const text = content.items.map((item) => ('str' in item ? item.str + (item.hasEOL ? '\n' : '') : '')).join('');
        const annotations = annotationText(await page.getAnnotations().catch(() => []));
        page.cleanup();
        pages.push([text.replace(/[ \t]+\n/g, '\n').trim(), ...annotations].filter(Boolean).join('\n\n'));
        readPages.push(pageNumber);
      } catch (error) {
        firstPageError ??= error;
        skippedPages.push(pageNumber);
      }
    }
    if (pageCount > 0 && skippedPages.length === pageCount) {
      // A stack overflow keeps its own reason (extraction-child.ts: "nested too deeply").
      if (/Maximum call stack size exceeded/.test(String((firstPageError as Error)?.message))) throw firstPageError;
      throw new ExtractionError(`This PDF is damaged: ${pageCount === 1 ? 'its page could not be read' : `none of its ${pageCount} pages could be read`}.`);
    }
    const text = pages.filter(Boolean).join('\n\n');
    if (!text.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g, '').trim()) {
      const skipped = skippedPages.length ? ` ${skippedPagesNote(skippedPages)}` : '';
      throw new ExtractionError(
        (await hasImages(pdf, readPages))
          ? `No text found in this PDF: its pages are images only (scanned?), and text recognition (OCR) is not supported. Upload a PDF with a text layer.${skipped}`
          : `This PDF has no extractable text: its pages hold no text and no images (only drawings, or text turned into outlines).${skipped}`,
      );
    }
    const meta = await getMeta(pdf).catch(() => undefined);
    const info = meta?.info as { Title?: string } | undefined;
    return { title: info?.Title?.trim() || undefined, text, pageCount, ...(skippedPages.length ? { skippedPages } : {}) };
  } finally {
    await pdf.destroy();
  }
}

/**
 * The most XML a DOCX may unpack to. mammoth needs about 3 s and 40-60 MB of heap per MB of
 * document XML (measured on generated documents, see README), so 16 MB stays well inside the
 * extraction process's memory and time limits; real documents of hundreds of pages have 2-10 MB.
 */
export const MAX_DOCX_XML_BYTES = 16 * 1_048_576;

async function extractDocx(bytes: Uint8Array): Promise<{ text: string }> {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  try {
    assertZipExpandsWithin(buffer, MAX_DOCX_XML_BYTES);
  } catch (error) {
    if (error instanceof ZipExpansionError) throw new ExtractionError(error.message);
    if (error instanceof ZipFormatError) throw new ExtractionError('This DOCX file is damaged or is not a Word document.');
    throw error;
  }
  let html: string;
  try {
    // Images are never unpacked: they carry no text, and as data URLs they would only take memory.
    ({ value: html } = await mammoth.convertToHtml({ buffer }, { convertImage: mammoth.images.imgElement(async () => ({ src: '' })) }));
  } catch {
    throw new ExtractionError('This DOCX file is damaged or is not a Word document.');
  }
  const { document } = parseHTML(`<!doctype html><html><body>${html}</body></html>`);
  return { text: htmlToText(document.body as unknown as Element) };
}

export async function extractDocument(bytes: Uint8Array, fileName = ''): Promise<ExtractedDocument> {
  if (bytes.length === 0) throw new ExtractionError('The file is empty.');
  const type = detectType(bytes, fileName);
  let result: Omit<ExtractedDocument, 'type'>;
  switch (type) {
    case 'pdf':
      result = await extractPdf(bytes);
      break;
    case 'docx':
      result = await extractDocx(bytes);
      break;
    case 'html':
      result = extractHtml(decodeText(bytes));
      break;
    default: {
      const text = decodeText(bytes).replace(/^\uFEFF/, '');
      // A document that opens with a `# Title` line is titled by it.
      result = { text, title: markdownTitle(text) };
    }
  }
  // PostgreSQL text cannot hold NUL; other C0 controls (but tabs and newlines) are noise.
  const text = result.text
    .replace(/\r\n?/g, '\n')
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g, '')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
  // A PDF without text has already been told apart (images only, or drawings only) by extractPdf.
  if (!text) throw new ExtractionError('No text found in this file.');
  return { type, title: result.title, text, pageCount: result.pageCount, ...(result.skippedPages ? { skippedPages: result.skippedPages } : {}) };
}
