/**
 * Inline display in tslab notebooks: `await show(fig)` and `showTable(t)`.
 *
 * A figure is one multi-mime output: `text/html` (interactive Plotly), `image/png` (static fallback, when Chromium
 * is available) and `text/plain`. plotly.js (4.8 MB) is inlined in the first figure output of each kernel session
 * only (`LMI_PLOTLY_EMBED=every` puts it in every output); later outputs draw with `window.Plotly` once it exists.
 * Each HTML output also carries the PNG as an `<img>` that the interactive plot replaces, so where scripts do not
 * run (untrusted notebook, a viewer without JS, an output whose library-carrying first output was cleared) the
 * static picture still shows. Outside tslab (plain node) `show` writes a self-contained HTML file to the temp dir
 * and prints its path; `showTable` prints Markdown.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Table } from '../experiments/types';
import type { FigureSpec } from './figure';
import { figureDocument, figureSnippet } from './html';
import { chromiumPath, openExporter, type Exporter } from './export';
import { tableToHtml, tableToMarkdown } from './table';

/** A Jupyter MIME bundle: mime type → string (binary types base64-encoded). */
export type MimeBundle = Record<string, string>;

type WriteDisplayData = (msg: { data: MimeBundle; metadata: object; transient: object }, update: boolean) => void;

/** True when running inside a tslab kernel. */
export function inTslab(): boolean {
  return Boolean((globalThis as { __tslab__?: unknown }).__tslab__);
}

/**
 * Send a MIME bundle as one display_data output. tslab's public `display` API sends one MIME type per output, so
 * we call the kernel's own writer (`tslab/dist/jupyter.js` `lastWriteDisplayData`, set per executing cell); if it
 * cannot be found we fall back to `display.html` (or the richest single type). Returns false outside tslab.
 */
export function displayBundle(bundle: MimeBundle): boolean {
  if (!inTslab()) return false;
  for (const [file, mod] of Object.entries(require.cache)) {
    if (!/[\\/]tslab[\\/]dist[\\/]jupyter\.js$/.test(file)) continue;
    const write = (mod?.exports as { lastWriteDisplayData?: WriteDisplayData } | undefined)?.lastWriteDisplayData;
    if (typeof write === 'function') {
      write({ data: bundle, metadata: {}, transient: {} }, false);
      return true;
    }
  }
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const tslab = require('tslab') as typeof import('tslab');
  const type = ['text/html', 'image/png', 'text/markdown', 'text/plain'].find((t) => t in bundle) ?? Object.keys(bundle)[0];
  tslab.display.raw(type, type === 'image/png' ? Buffer.from(bundle[type], 'base64') : bundle[type]);
  return true;
}

/** Options for `show`. */
export interface ShowOptions {
  /** Add a static PNG (needs Chromium). Default: on unless `LMI_STATIC=0`; skipped quietly without Chromium. */
  static?: boolean;
  /** Where to inline plotly.js: `once` per kernel session (default) or `every` output. Env `LMI_PLOTLY_EMBED`. */
  embed?: 'once' | 'every';
}

let librarySent = false;
let exporter: Promise<Exporter> | undefined;
let idleTimer: NodeJS.Timeout | undefined;

/** One exporter for the kernel session, closed after 60 s without use so no browser outlives its need. */
async function sharedExporter(): Promise<Exporter> {
  if (!exporter) exporter = openExporter();
  const ex = await exporter;
  if (idleTimer) clearTimeout(idleTimer);
  idleTimer = setTimeout(() => {
    exporter = undefined;
    void ex.close();
  }, 60_000);
  idleTimer.unref();
  return ex;
}

function wantStatic(opts: ShowOptions): boolean {
  if (opts.static !== undefined) return opts.static;
  return process.env.LMI_STATIC !== '0' && fs.existsSync(chromiumPath());
}

/**
 * Show a figure inline (tslab) — `await show(fig)` so the output lands in the running cell. Outside tslab, write
 * `<tmpdir>/lmindexer-figures/<id>.html`, print its path and return it.
 */
export async function show(fig: FigureSpec, opts: ShowOptions = {}): Promise<string | undefined> {
  if (!inTslab()) {
    const file = path.join(os.tmpdir(), 'lmindexer-figures', `${fig.id}.html`);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, figureDocument(fig));
    console.log(`[viz] not in a notebook: wrote ${file} (open it in a browser)`);
    return file;
  }
  let png: string | undefined;
  if (wantStatic(opts)) {
    const ex = await sharedExporter();
    const buf = ex.available ? await ex.pngBuffer(fig, 1) : undefined;
    png = buf?.toString('base64');
  }
  const embed = opts.embed ?? (process.env.LMI_PLOTLY_EMBED === 'every' ? 'every' : 'once');
  const includeLibrary = embed === 'every' || !librarySent;
  const bundle: MimeBundle = {
    'text/html': figureSnippet(fig, { includeLibrary, staticPng: png }),
    'text/plain': `[figure ${fig.id}] ${fig.title}${fig.caption ? `\n${fig.caption}` : ''}`,
  };
  if (png) bundle['image/png'] = png;
  displayBundle(bundle);
  if (includeLibrary) librarySent = true;
  return undefined;
}

/** Show a table inline (HTML + Markdown + plain text bundle); outside tslab print the Markdown. */
export function showTable(t: Table): void {
  const md = tableToMarkdown(t);
  if (!displayBundle({ 'text/html': tableToHtml(t), 'text/markdown': md, 'text/plain': md })) console.log(md);
}

/** Close the browser used for static fallbacks now (it also closes itself after 60 s idle). */
export async function closeDisplay(): Promise<void> {
  if (idleTimer) clearTimeout(idleTimer);
  const ex = exporter;
  exporter = undefined;
  if (ex) await (await ex).close();
}
