// CSV as spreadsheets read and write it (RFC 4180): quoted fields may hold commas, quotes ("")
// and line breaks; CRLF or LF line ends; an optional byte-order mark. Used by every export and
// by the test-set import.

export class CsvSyntaxError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CsvSyntaxError';
  }
}

/** The rows of a CSV text, each with the 1-based line it starts on. Blank lines are skipped. */
export function parseCsv(text: string): Array<{ line: number; cells: string[] }> {
  const rows: Array<{ line: number; cells: string[] }> = [];
  const source = text.replace(/^\uFEFF/, '');
  let cells: string[] = [];
  let cell = '';
  let quoted = false;
  let line = 1;
  let rowLine = 1;
  let cellStarted = false;
  const endRow = () => {
    cells.push(cell);
    if (cells.length > 1 || cells[0]!.trim() !== '') rows.push({ line: rowLine, cells });
    cells = [];
    cell = '';
    cellStarted = false;
  };
  for (let i = 0; i < source.length; i++) {
    const char = source[i]!;
    if (quoted) {
      if (char === '"') {
        if (source[i + 1] === '"') {
          cell += '"';
          i++;
        } else {
          quoted = false;
        }
      } else {
        if (char === '\n') line++;
        cell += char;
      }
      continue;
    }
    if (char === '"' && !cellStarted) {
      quoted = true;
      cellStarted = true;
    } else if (char === '"') {
      throw new CsvSyntaxError(`Line ${line}: a quote inside an unquoted field. Put the whole field in quotes and double the quotes inside it ("").`);
    } else if (char === ',') {
      cells.push(cell);
      cell = '';
      cellStarted = false;
    } else if (char === '\n' || char === '\r') {
      if (char === '\r' && source[i + 1] === '\n') i++;
      endRow();
      line++;
      rowLine = line;
    } else {
      cell += char;
      cellStarted = true;
    }
  }
  if (quoted) throw new CsvSyntaxError(`Line ${rowLine}: a quoted field is never closed.`);
  if (cell !== '' || cells.length) endRow();
  return rows;
}

/** One CSV cell; text that a spreadsheet would run as a formula is prefixed with a quote. */
export function csvCell(value: string | number | boolean | null | undefined): string {
  // Exported text is often written by visitors or imported documents.
  if (value === null || value === undefined) return '';
  let text = String(value);
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}
