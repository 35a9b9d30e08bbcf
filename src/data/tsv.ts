/** Tab-separated files with a header row (no quoting), as in the data folder's derived tables. */
import { errorAt } from '../errors';
import { readTextFile } from './validate';

/** One TSV row keyed by header name, with its 1-based line number. */
export interface TsvRow {
  line: number;
  cols: Record<string, string>;
}

/** A parsed TSV file. */
export interface TsvTable {
  file: string;
  header: string[];
  rows: TsvRow[];
}

/**
 * Read a TSV file whose first line is the header. `required` columns must be in the header; each row must have
 * exactly as many cells as the header (blank lines are skipped).
 */
export function readTsv(file: string, required: string[]): TsvTable {
  const lines = readTextFile(file).split('\n');
  const strip = (s: string): string => (s.endsWith('\r') ? s.slice(0, -1) : s);
  const header = strip(lines[0]).split('\t');
  for (const col of required) {
    if (!header.includes(col)) {
      throw errorAt(file, 1, `header: field "${col}" missing (header is ${JSON.stringify(header.join('\t'))}); expected columns ${required.join(', ')}`);
    }
  }
  const rows: TsvRow[] = [];
  for (let k = 1; k < lines.length; k++) {
    const raw = strip(lines[k]);
    if (raw.trim() === '') continue;
    const cells = raw.split('\t');
    if (cells.length !== header.length) {
      const missing = header[cells.length] ?? '(extra cell)';
      throw errorAt(file, k + 1, `${cells.length < header.length ? `field "${missing}" missing` : 'too many cells'}: ${cells.length} tab-separated cells, header has ${header.length}`);
    }
    const cols: Record<string, string> = {};
    for (let c = 0; c < header.length; c++) cols[header[c]] = cells[c];
    rows.push({ line: k + 1, cols });
  }
  return { file, header, rows };
}
