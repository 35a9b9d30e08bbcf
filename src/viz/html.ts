/**
 * HTML for Plotly figures with plotly.js inlined from node_modules (no CDN: works offline and in saved notebooks).
 * `figureSnippet` is one notebook output (optionally carrying the library and a static PNG fallback);
 * `figureDocument` is a self-contained page for `writeHtml`.
 */
import * as fs from 'node:fs';
import { randomBytes } from 'node:crypto';
import type { FigureSpec } from './figure';
import { escapeHtml } from './table';
import { DEFAULT_SIZE } from './style';

let cachedSource: string | undefined;

/** Path of the plotly.js-dist-min bundle in node_modules. */
export function plotlyPath(): string {
  return require.resolve('plotly.js-dist-min');
}

/** The plotly.js-dist-min source (read once, ~4.8 MB), made safe to place inside a `<script>` element. */
export function plotlySource(): string {
  if (cachedSource === undefined) cachedSource = scriptSafe(fs.readFileSync(plotlyPath(), 'utf8'));
  return cachedSource;
}

/** Version of the inlined plotly.js (from its package.json). */
export function plotlyVersion(): string {
  const pkg = require.resolve('plotly.js-dist-min/package.json');
  return (JSON.parse(fs.readFileSync(pkg, 'utf8')) as { version: string }).version;
}

/**
 * Make text safe inside `<script>`: `</script` and `<!--` can only occur in JS string/regex/comment text, where
 * `<\/script` and `<\!--` mean the same thing.
 */
export function scriptSafe(js: string): string {
  return js.replace(/<\/(script)/gi, '<\\/$1').replace(/<!--/g, '<\\!--');
}

/** JSON of the figure's data + layout (with the figure's size), safe to put in a `<script>`. */
export function figureJson(fig: FigureSpec): string {
  const layout = { width: undefined, height: fig.height ?? DEFAULT_SIZE.height, ...fig.layout };
  return scriptSafe(JSON.stringify({ data: fig.data, layout }));
}

/** Options for `figureSnippet`. */
export interface SnippetOptions {
  /** Put the whole plotly.js in this snippet (else rely on `window.Plotly` from an earlier output). */
  includeLibrary: boolean;
  /** Base64 PNG shown until (or instead of) the interactive plot: visible where scripts do not run. */
  staticPng?: string;
  /** DOM id; random by default. */
  divId?: string;
}

/**
 * One notebook output: a div, a static fallback (if given), optionally the library, and a script that draws the
 * figure with `window.Plotly` as soon as it exists (polling up to 60 s, since the library may arrive from an earlier
 * output). Where scripts never run (untrusted notebook, GitHub) the static PNG or a one-line hint remains.
 */
export function figureSnippet(fig: FigureSpec, opts: SnippetOptions): string {
  const id = opts.divId ?? `lmi-fig-${randomBytes(6).toString('hex')}`;
  const w = fig.width ?? DEFAULT_SIZE.width;
  const h = fig.height ?? DEFAULT_SIZE.height;
  const fallback = opts.staticPng
    ? `<img id="${id}-static" alt="${escapeHtml(fig.title)}" style="max-width:100%;width:${w}px" src="data:image/png;base64,${opts.staticPng}">`
    : `<div id="${id}-static" style="color:#777;font-style:italic">[interactive figure “${escapeHtml(fig.title)}”: shown when the notebook is trusted and run in Jupyter]</div>`;
  const lib = opts.includeLibrary ? `<script type="text/javascript">${plotlySource()}</script>\n` : '';
  const draw = `<script type="text/javascript">
(function () {
  var fig = ${figureJson(fig)};
  var id = ${JSON.stringify(id)};
  function draw() {
    var el = document.getElementById(id);
    if (!el) return;
    var st = document.getElementById(id + '-static');
    if (st) st.style.display = 'none';
    el.style.display = 'block';
    window.Plotly.newPlot(el, fig.data, fig.layout, {responsive: true, displaylogo: false});
  }
  if (window.Plotly) { draw(); return; }
  var t0 = Date.now();
  var timer = setInterval(function () {
    if (window.Plotly) { clearInterval(timer); draw(); }
    else if (Date.now() - t0 > 60000) clearInterval(timer);
  }, 200);
})();
</script>`;
  return (
    `<div class="lmi-figure" style="max-width:${w}px">\n` +
    `<div id="${id}" style="display:none;width:100%;height:${h}px"></div>\n${fallback}\n</div>\n${lib}${draw}`
  );
}

/** A self-contained HTML page (plotly.js inlined, caption under the figure). */
export function figureDocument(fig: FigureSpec): string {
  const caption = fig.caption ? `<p style="font-family:sans-serif;max-width:${fig.width ?? DEFAULT_SIZE.width}px">${escapeHtml(fig.caption)}</p>` : '';
  return (
    `<!DOCTYPE html>\n<html><head><meta charset="utf-8"><title>${escapeHtml(fig.title)}</title></head>\n<body>\n` +
    `${figureSnippet(fig, { includeLibrary: true, divId: `fig-${fig.id}` })}\n${caption}\n</body></html>\n`
  );
}
