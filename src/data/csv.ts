/**
 * RFC 4180 CSV parsing: fields separated by a delimiter, optionally enclosed in double quotes; inside quotes a
 * doubled quote `""` is one quote and delimiters, CR and LF are literal. Records end at LF or CRLF outside quotes.
 */
import { errorAt } from '../errors';

/** Parser options. */
export interface CsvOptions {
  /** Field separator (default `,`). */
  delimiter: string;
  /** File name for error messages (default `<csv>`). */
  file: string;
  /** Skip lines that are completely empty (default true). */
  skipEmptyLines: boolean;
}

/** Defaults for {@link CsvOptions}. */
export const CSV_DEFAULTS: CsvOptions = { delimiter: ',', file: '<csv>', skipEmptyLines: true };

/** One record with the 1-based line number where it starts. */
export interface CsvRecord {
  line: number;
  fields: string[];
}

/** Parse a whole CSV text into records. Unterminated quotes and text after a closing quote are errors. */
export function parseCsv(text: string, options: Partial<CsvOptions> = {}): CsvRecord[] {
  const o = { ...CSV_DEFAULTS, ...options };
  if (o.delimiter.length !== 1 || o.delimiter === '"' || o.delimiter === '\n' || o.delimiter === '\r') {
    throw errorAt(o.file, undefined, `option "delimiter" must be one character other than quote/CR/LF, got ${JSON.stringify(o.delimiter)}`);
  }
  const d = o.delimiter;
  const out: CsvRecord[] = [];
  const n = text.length;
  let i = 0;
  let line = 1;
  while (i < n) {
    const start = line;
    // an empty line
    if (text[i] === '\n' || (text[i] === '\r' && text[i + 1] === '\n')) {
      if (!o.skipEmptyLines) out.push({ line: start, fields: [''] });
      i += text[i] === '\r' ? 2 : 1;
      line++;
      continue;
    }
    const fields: string[] = [];
    for (;;) {
      let field = '';
      if (text[i] === '"') {
        const openLine = line;
        i++;
        for (;;) {
          const q = text.indexOf('"', i);
          if (q === -1) throw errorAt(o.file, openLine, `field ${fields.length + 1}: unterminated quoted field (opened here); close it with a double quote`);
          const chunk = text.slice(i, q);
          for (let k = chunk.indexOf('\n'); k !== -1; k = chunk.indexOf('\n', k + 1)) line++;
          field += chunk;
          if (text[q + 1] === '"') {
            field += '"';
            i = q + 2;
          } else {
            i = q + 1;
            break;
          }
        }
        const c = text[i];
        if (i < n && c !== d && c !== '\n' && !(c === '\r' && text[i + 1] === '\n')) {
          throw errorAt(o.file, line, `field ${fields.length + 1}: unexpected ${JSON.stringify(c)} after a closing quote; quotes inside a quoted field must be doubled ("")`);
        }
      } else {
        let j = i;
        while (j < n && text[j] !== d && text[j] !== '\n' && !(text[j] === '\r' && text[j + 1] === '\n')) j++;
        field = text.slice(i, j);
        i = j;
      }
      fields.push(field);
      if (i < n && text[i] === d) {
        i++;
        continue;
      }
      // end of record (LF, CRLF or end of text)
      if (i < n) {
        i += text[i] === '\r' ? 2 : 1;
        line++;
      }
      break;
    }
    out.push({ line: start, fields });
  }
  return out;
}

/** Parse exactly one CSV record from one line of text (a quoted field may not run past it). */
export function parseCsvLine(lineText: string, options: Partial<CsvOptions> = {}): string[] {
  if (lineText === '' || lineText === '\n' || lineText === '\r\n') return [''];
  const recs = parseCsv(lineText.replace(/\r?\n$/, ''), { ...options, skipEmptyLines: false });
  if (recs.length !== 1) throw errorAt(options.file ?? CSV_DEFAULTS.file, undefined, `expected one CSV record, found ${recs.length}`);
  return recs[0].fields;
}
