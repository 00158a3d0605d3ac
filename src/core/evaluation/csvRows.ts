/**
 * CSV as RFC 4180 writes it (what spreadsheets and promptfoo datasets use): fields split on commas, a field in double
 * quotes may hold commas, newlines and doubled quotes; CRLF or LF; a byte-order mark and empty lines are skipped.
 * Small on purpose: the editor bundles it (a CSV library would not fit the .vsix budget). Rows may be ragged: the
 * caller names the row.
 */
export class CsvError extends Error {
  constructor(readonly line: number, message: string) {
    super(message);
  }
}

export function parseCsvRows(source: string): string[][] {
  const text = source.charCodeAt(0) === 0xfeff ? source.slice(1) : source;
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  let wasQuoted = false;
  let line = 1;
  let quoteLine = 1;
  const endField = (): void => {
    row.push(field);
    field = '';
    wasQuoted = false;
  };
  const endRow = (): void => {
    const empty = row.length === 0 && field === '' && !wasQuoted;
    endField();
    if (!empty) rows.push(row);
    row = [];
  };
  for (let i = 0; i < text.length; i++) {
    const char = text[i]!;
    if (quoted) {
      if (char === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (char === '"') quoted = false;
      else {
        if (char === '\n') line++;
        field += char;
      }
      continue;
    }
    if (char === ',') endField();
    else if (char === '\n' || char === '\r') {
      if (char === '\r' && text[i + 1] === '\n') i++;
      endRow();
      line++;
    } else if (char === '"') {
      if (field !== '' || wasQuoted) throw new CsvError(line, 'a quote inside a field that does not start with one');
      quoted = true;
      wasQuoted = true;
      quoteLine = line;
    } else {
      if (wasQuoted) throw new CsvError(line, 'text after a closing quote');
      field += char;
    }
  }
  if (quoted) throw new CsvError(quoteLine, 'a quoted field is never closed');
  if (row.length || field !== '' || wasQuoted) endRow();
  return rows;
}
