import { Document, HeadingLevel, Packer, Paragraph, Table, TableCell, TableRow } from 'docx';
import { PDFDocument, StandardFonts } from 'pdf-lib';
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

/** A PDF whose trailer declares standard encryption with a password we do not have. */
export function buildEncryptedPdf(): Uint8Array {
  const objects = [
    '1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj',
    '2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj',
    '3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] >> endobj',
    `4 0 obj << /Filter /Standard /V 2 /R 3 /Length 128 /P -1028 /O <${'a1'.repeat(32)}> /U <${'b2'.repeat(32)}> >> endobj`,
  ];
  let body = '%PDF-1.7\n';
  const offsets: number[] = [];
  for (const object of objects) {
    offsets.push(body.length);
    body += `${object}\n`;
  }
  const xref = body.length;
  body += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n${offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('')}`;
  body += `trailer << /Size ${objects.length + 1} /Root 1 0 R /Encrypt 4 0 R /ID [<${'c3'.repeat(16)}> <${'c3'.repeat(16)}>] >>\nstartxref\n${xref}\n%%EOF\n`;
  return new TextEncoder().encode(body);
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
  const objects = [
    '1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj',
    '2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj',
    `3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Nested ${nested} /Deep ${dictionaries} >> endobj`,
    '4 0 obj << /Length 44 >> stream\nBT /F1 12 Tf 72 712 Td (Nested text) Tj ET\nendstream endobj',
  ];
  let body = '%PDF-1.7\n';
  const offsets: number[] = [];
  for (const object of objects) {
    offsets.push(body.length);
    body += `${object}\n`;
  }
  const xref = body.length;
  body += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n${offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('')}`;
  body += `trailer << /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return new TextEncoder().encode(body);
}
