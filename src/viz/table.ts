/**
 * Tables as text: aligned Markdown for REPORT.md / figures/tables/*.md, and HTML for inline notebook display.
 * Numbers are formatted one way everywhere (`formatCell`): integers as they are, metrics (|x| < 1) to 4 decimals,
 * other reals to 4 significant digits.
 */
import type { Cell, Table } from '../experiments/types';

/**
 * Format one cell. `null` → `–`; integers unchanged; |x| < 1 → 4 decimals (`0.2346`), or 3-digit exponent when
 * 0 < |x| < 1e-4 (`3.210e-6`); 1 ≤ |x| < 1e4 → 4 significant digits (`12.35`); larger → rounded integer.
 */
export function formatCell(c: Cell): string {
  if (c === null || c === undefined) return '–';
  if (typeof c === 'string') return c;
  if (Number.isNaN(c)) return 'NaN';
  if (!Number.isFinite(c)) return c > 0 ? '∞' : '-∞';
  if (Number.isInteger(c)) return String(c);
  const a = Math.abs(c);
  if (a < 1e-4) return c.toExponential(3);
  if (a < 1) return c.toFixed(4);
  if (a < 1e4) return String(Number(c.toPrecision(4)));
  return c.toFixed(0);
}

function isNumericColumn(t: Table, j: number): boolean {
  let any = false;
  for (const row of t.rows) {
    const c = row[j];
    if (typeof c === 'number') any = true;
    else if (c !== null && c !== undefined) return false;
  }
  return any;
}

function escapeMd(s: string): string {
  return s.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

/** Options for `tableToMarkdown`. */
export interface MarkdownTableOptions {
  /** Print `**title**` above the table. Default true. */
  title?: boolean;
  /** Print the notes under the table. Default true. */
  notes?: boolean;
}

/**
 * Aligned Markdown table (numeric columns right-aligned), title above in bold, notes under it as a list.
 * Rows shorter than the header are padded with `–`.
 */
export function tableToMarkdown(t: Table, opts: MarkdownTableOptions = {}): string {
  const numeric = t.columns.map((_, j) => isNumericColumn(t, j));
  const head = t.columns.map(escapeMd);
  const body = t.rows.map((row) => t.columns.map((_, j) => escapeMd(formatCell(j < row.length ? row[j] : null))));
  const width = t.columns.map((_, j) => Math.max(3, head[j].length, ...body.map((r) => r[j].length)));
  const pad = (s: string, j: number) => (numeric[j] ? s.padStart(width[j]) : s.padEnd(width[j]));
  const line = (cells: string[]) => `| ${cells.map(pad).join(' | ')} |`;
  const rule = `|${width.map((w, j) => (numeric[j] ? ` ${'-'.repeat(w - 1)}: ` : ` ${'-'.repeat(w)} `)).join('|')}|`;
  const out: string[] = [];
  if (opts.title ?? true) out.push(`**${t.title}**`, '');
  out.push(line(head), rule, ...body.map(line));
  if ((opts.notes ?? true) && t.notes && t.notes.length > 0) out.push('', ...t.notes.map((s) => `- ${s}`));
  return out.join('\n') + '\n';
}

/** Escape text for HTML element content and attribute values. */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** HTML table with the title as caption and notes under it; numeric columns right-aligned. */
export function tableToHtml(t: Table): string {
  const numeric = t.columns.map((_, j) => isNumericColumn(t, j));
  const align = (j: number) => (numeric[j] ? ' style="text-align:right"' : ' style="text-align:left"');
  const head = t.columns.map((c, j) => `<th${align(j)}>${escapeHtml(c)}</th>`).join('');
  const rows = t.rows
    .map((row) => `<tr>${t.columns.map((_, j) => `<td${align(j)}>${escapeHtml(formatCell(j < row.length ? row[j] : null))}</td>`).join('')}</tr>`)
    .join('\n');
  const notes = t.notes && t.notes.length ? `\n<ul class="lmi-notes" style="font-size:90%;color:#555">${t.notes.map((s) => `<li>${escapeHtml(s)}</li>`).join('')}</ul>` : '';
  return (
    `<div class="lmi-table" id="lmi-table-${escapeHtml(t.id)}">\n<table>\n<caption style="caption-side:top;text-align:left;font-weight:bold">${escapeHtml(t.title)}</caption>\n` +
    `<thead><tr>${head}</tr></thead>\n<tbody>\n${rows}\n</tbody>\n</table>${notes}\n</div>`
  );
}
