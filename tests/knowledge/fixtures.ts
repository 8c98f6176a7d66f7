import { Document, HeadingLevel, Packer, Paragraph, Table, TableCell, TableRow } from 'docx';
import { PDFDocument, PDFHexString, PDFName, PDFString, rgb, StandardFonts } from 'pdf-lib';
import zlib from 'node:zlib';

// Small, license-clean fixtures built by the tests themselves.

export async function buildPdf(pages: string[][]): Promise<Uint8Array> {
  const pdf = await PDFDocument.create();
  pdf.setTitle('Field Guide to Widgets');
  const font = await pdf.embedFont(StandardFonts.Helvetica);
  for (const lines of pages) {
    const page = pdf.addPage([612, 792]);
    lines.forEach((line, i) => page.drawText(line, { x: 50, y: 740 - i * 18, size: 12, font }));
  }
  return pdf.save();
}

export async function buildDocx(): Promise<Buffer> {
  const document = new Document({
    sections: [
      {
        children: [
          new Paragraph({ text: 'Warranty policy', heading: HeadingLevel.HEADING_1 }),
          new Paragraph('Every gadget carries a two-year warranty from the date of delivery.'),
          new Paragraph({ text: 'Claims', heading: HeadingLevel.HEADING_2 }),
          new Paragraph('Send the serial number and a photo to claims@example.com.'),
          new Table({
            rows: [
              new TableRow({ children: [new TableCell({ children: [new Paragraph('Plan')] }), new TableCell({ children: [new Paragraph('Years')] })] }),
              new TableRow({ children: [new TableCell({ children: [new Paragraph('Extended')] }), new TableCell({ children: [new Paragraph('Five')] })] }),
            ],
          }),
        ],
      },
    ],
  });
  return Packer.toBuffer(document);
}

/**
 * A PDF written by hand from numbered objects (object n is `objects[n - 1]`), with its
 * cross-reference table; `misplace` points the entries of those objects at the wrong offset,
 * as a damaged file does.
 */
export function writePdf(objects: string[], { trailer = '', misplace = [] as number[] } = {}): Uint8Array {
  let body = '%PDF-1.7\n';
  const offsets: number[] = [];
  for (const object of objects) {
    offsets.push(body.length);
    body += `${object}\n`;
  }
  // Into the middle of the catalog: no object starts there.
  for (const number of misplace) offsets[number - 1] = offsets[0]! + 5;
  const xref = body.length;
  body += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n${offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('')}`;
  body += `trailer << /Size ${objects.length + 1} /Root 1 0 R ${trailer}>>\nstartxref\n${xref}\n%%EOF\n`;
  return new Uint8Array(Buffer.from(body, 'latin1'));
}

const pdfStream = (number: number, data: string, dictionary = '') =>
  `${number} 0 obj << ${dictionary} /Length ${Buffer.byteLength(data, 'latin1')} >> stream\n${data}\nendstream endobj`;

/** A PDF whose trailer declares standard encryption with a password we do not have. */
export function buildEncryptedPdf(): Uint8Array {
  return writePdf(
    [
      '1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj',
      '2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj',
      '3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] >> endobj',
      `4 0 obj << /Filter /Standard /V 2 /R 3 /Length 128 /P -1028 /O <${'a1'.repeat(32)}> /U <${'b2'.repeat(32)}> >> endobj`,
    ],
    { trailer: `/Encrypt 4 0 R /ID [<${'c3'.repeat(16)}> <${'c3'.repeat(16)}>] ` },
  );
}

/**
 * A PDF of pages with one line of Helvetica text each, where the content streams of the pages
 * in `broken` have cross-reference entries pointing at the wrong place: pdf.js opens the file
 * and the page, and its getTextContent throws "Bad (uncompressed) XRef entry".
 */
export function buildPdfWithBrokenPages(lines: string[], broken: number[]): Uint8Array {
  const pageObjects = lines.map((_, i) => 4 + 2 * i);
  const objects = [
    '1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj',
    `2 0 obj << /Type /Pages /Kids [${pageObjects.map((n) => `${n} 0 R`).join(' ')}] /Count ${lines.length} >> endobj`,
    '3 0 obj << /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >> endobj',
    ...lines.flatMap((line, i) => [
      `${4 + 2 * i} 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 3 0 R >> >> /Contents ${5 + 2 * i} 0 R >> endobj`,
      pdfStream(5 + 2 * i, `BT /F1 12 Tf 72 712 Td (${line}) Tj ET`),
    ]),
  ];
  return writePdf(objects, { misplace: broken.map((page) => 5 + 2 * (page - 1)) });
}

/** UCS-2 big-endian hex, as text in a font with a UCS2 character map is written. */
const ucs2Hex = (text: string) => [...text].map((char) => char.charCodeAt(0).toString(16).padStart(4, '0')).join('').toUpperCase();

/**
 * A PDF in a CJK font that is not embedded (as in PDFs written with Acrobat's Asian font
 * packs): a Type0 font with a predefined character map and an Adobe CID collection, text as
 * UCS-2 codes. pdf.js can read it only with the character map files.
 */
export function buildCjkPdf(script: 'japanese' | 'korean', lines: string[]): Uint8Array {
  const font = {
    japanese: { encoding: 'UniJIS-UCS2-H', ordering: 'Japan1', supplement: 4, name: 'KozMinPr6N-Regular' },
    korean: { encoding: 'UniKS-UCS2-H', ordering: 'Korea1', supplement: 2, name: 'HYSMyeongJo-Medium' },
  }[script];
  return writePdf([
    '1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj',
    '2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj',
    '3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 4 0 R >> >> /Contents 7 0 R >> endobj',
    `4 0 obj << /Type /Font /Subtype /Type0 /BaseFont /${font.name} /Encoding /${font.encoding} /DescendantFonts [5 0 R] >> endobj`,
    `5 0 obj << /Type /Font /Subtype /CIDFontType0 /BaseFont /${font.name} /CIDSystemInfo << /Registry (Adobe) /Ordering (${font.ordering}) /Supplement ${font.supplement} >> /FontDescriptor 6 0 R /DW 1000 >> endobj`,
    `6 0 obj << /Type /FontDescriptor /FontName /${font.name} /Flags 4 /FontBBox [0 -120 1000 880] /ItalicAngle 0 /Ascent 880 /Descent -120 /CapHeight 700 /StemV 80 >> endobj`,
    pdfStream(7, lines.map((line, i) => `BT /F1 14 Tf 72 ${712 - i * 24} Td <${ucs2Hex(line)}> Tj ET`).join('\n')),
  ]);
}

/** A page with only an image on it, as a scanner makes (a 2×2 grey image, drawn inline and as an XObject). */
export function buildImageOnlyPdf({ inline = false } = {}): Uint8Array {
  const pixels = 'ff00ff00';
  const draw = inline ? `q 200 0 0 200 72 500 cm BI /W 2 /H 2 /CS /G /BPC 8 /F /AHx ID ${pixels}> EI Q` : 'q 200 0 0 200 72 500 cm /Im1 Do Q';
  return writePdf([
    '1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj',
    '2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj',
    '3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /XObject << /Im1 5 0 R >> >> /Contents 4 0 R >> endobj',
    pdfStream(4, draw),
    pdfStream(5, `${pixels}>`, '/Type /XObject /Subtype /Image /Width 2 /Height 2 /ColorSpace /DeviceGray /BitsPerComponent 8 /Filter /ASCIIHexDecode'),
  ]);
}

/** Pages of vector drawings only: lines, rectangles, a curve; no text, no image. */
export async function buildVectorOnlyPdf(): Promise<Uint8Array> {
  const pdf = await PDFDocument.create();
  for (let i = 0; i < 2; i++) {
    const page = pdf.addPage([612, 792]);
    page.drawRectangle({ x: 72, y: 500, width: 200, height: 120, borderWidth: 2, borderColor: rgb(0, 0, 0), color: rgb(0.9, 0.9, 1) });
    page.drawLine({ start: { x: 72, y: 400 }, end: { x: 500, y: 420 }, thickness: 3 });
    page.drawSvgPath('M 0 0 C 50 100 150 100 200 0', { x: 100, y: 300 });
  }
  return pdf.save();
}

/**
 * A PDF whose text is only in annotations and form fields: a sticky note (/Text), a free-text
 * comment, a filled-in text field with a tooltip, a dropdown with a chosen item, a password
 * field and a checkbox (neither of which is text to index). The page's own content is one line.
 */
export async function buildAnnotatedFormPdf(): Promise<Uint8Array> {
  const pdf = await PDFDocument.create();
  const page = pdf.addPage([612, 792]);
  const font = await pdf.embedFont(StandardFonts.Helvetica);
  page.drawText('Return request form', { x: 72, y: 740, size: 14, font });
  const note = (subtype: string, rect: number[], contents: string) =>
    pdf.context.register(pdf.context.obj({ Type: 'Annot', Subtype: subtype, Rect: rect, Contents: PDFHexString.fromText(contents), DA: PDFString.of('/Helv 10 Tf 0 g') }));
  page.node.addAnnot(note('Text', [500, 700, 520, 720], 'Reviewer: the restocking fee was waived in 2024.'));
  page.node.addAnnot(note('FreeText', [72, 600, 400, 640], 'Refunds are paid to the original card within 5 business days.'));
  const form = pdf.getForm();
  const customer = form.createTextField('customer');
  customer.setText('Globex Corporation');
  customer.addToPage(page, { x: 72, y: 500, width: 200, height: 20 });
  // The tooltip (/TU) on the widget, where PDF editors put it when a field has one widget.
  customer.acroField.getWidgets()[0]!.dict.set(PDFName.of('TU'), PDFString.of('Customer name'));
  const reason = form.createDropdown('reason');
  reason.addOptions(['Damaged on arrival', 'Wrong size']);
  reason.select('Wrong size');
  reason.addToPage(page, { x: 72, y: 450, width: 200, height: 20 });
  const secret = form.createTextField('pin');
  secret.setText('8675309');
  secret.enablePassword();
  secret.addToPage(page, { x: 72, y: 400, width: 200, height: 20 });
  const agree = form.createCheckBox('agree');
  agree.check();
  agree.addToPage(page, { x: 72, y: 350, width: 20, height: 20 });
  return pdf.save();
}

// DOCX bombs, written as ZIP files by hand so a test can also make them lie about their sizes.

const DOCX_CONTENT_TYPES =
  '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">' +
  '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>' +
  '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>';
const DOCX_RELS =
  '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">' +
  '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>';
const DOCUMENT_OPEN = '<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>';
const DOCUMENT_CLOSE = '</w:body></w:document>';
const PARAGRAPH = '<w:p><w:r><w:t>Every widget ships with a manual, a warranty card and a spare fuse. </w:t></w:r></w:p>';

type ZipEntry = { name: string; data: Buffer; size: number; crc: number; method: 0 | 8 };

function storedEntry(name: string, text: string): ZipEntry {
  const data = Buffer.from(text);
  return { name, data, size: data.length, crc: zlib.crc32(data), method: 0 };
}

/** Deflates a document.xml of about `megabytes` MB of paragraphs, never holding it inflated. */
async function deflatedDocument(megabytes: number): Promise<ZipEntry> {
  const block = Buffer.from(PARAGRAPH.repeat(Math.floor(1_048_576 / PARAGRAPH.length)));
  const chunks = [Buffer.from(DOCUMENT_OPEN), ...Array.from({ length: Math.ceil(megabytes) }, () => block), Buffer.from(DOCUMENT_CLOSE)];
  let crc = 0;
  let size = 0;
  const output: Buffer[] = [];
  const deflater = zlib.createDeflateRaw({ level: 9 });
  deflater.on('data', (chunk: Buffer) => output.push(chunk));
  const done = new Promise((resolve, reject) => deflater.on('end', resolve).on('error', reject));
  for (const chunk of chunks) {
    crc = zlib.crc32(chunk, crc);
    size += chunk.length;
    if (!deflater.write(chunk)) await new Promise((resolve) => deflater.once('drain', resolve));
  }
  deflater.end();
  await done;
  return { name: 'word/document.xml', data: Buffer.concat(output), size, crc, method: 8 };
}

/** A ZIP archive; `declare` can make the headers claim other uncompressed sizes than the real ones. */
function zipArchive(entries: ZipEntry[], declare: (entry: ZipEntry) => number = (entry) => entry.size): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const entry of entries) {
    const name = Buffer.from(entry.name);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(entry.method, 8);
    local.writeUInt32LE(entry.crc >>> 0, 14);
    local.writeUInt32LE(entry.data.length, 18);
    local.writeUInt32LE(declare(entry), 22);
    local.writeUInt16LE(name.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(entry.method, 10);
    central.writeUInt32LE(entry.crc >>> 0, 16);
    central.writeUInt32LE(entry.data.length, 20);
    central.writeUInt32LE(declare(entry), 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, name, entry.data);
    centrals.push(central, name);
    offset += local.length + name.length + entry.data.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}

/**
 * A DOCX whose document.xml inflates to about `megabytes` MB (300 MB fits in about 1 MB).
 * `lie: true` makes its headers claim 1 KB, so only counting while inflating can catch it.
 */
export async function buildDocxBomb(megabytes: number, { lie = false } = {}): Promise<Buffer> {
  const entries = [storedEntry('[Content_Types].xml', DOCX_CONTENT_TYPES), storedEntry('_rels/.rels', DOCX_RELS), await deflatedDocument(megabytes)];
  return zipArchive(entries, (entry) => (lie && entry.method === 8 ? 1024 : entry.size));
}

/** A PDF whose page content is nested `depth` levels deep (arrays in a dictionary in an array...). */
export function buildDeeplyNestedPdf(depth: number): Uint8Array {
  const nested = '['.repeat(depth) + ']'.repeat(depth);
  const dictionaries = '<< /A '.repeat(depth) + '1' + ' >>'.repeat(depth);
  return writePdf([
    '1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj',
    '2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj',
    `3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Nested ${nested} /Deep ${dictionaries} >> endobj`,
    '4 0 obj << /Length 44 >> stream\nBT /F1 12 Tf 72 712 Td (Nested text) Tj ET\nendstream endobj',
  ]);
}
