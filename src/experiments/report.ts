/**
 * REPORT.md (every table with paper | ours | data | config hash, every figure embedded) and index.html (a gallery)
 * from the results `make figures` produced.
 */
import * as path from 'node:path';
import { tableToHtml, tableToMarkdown } from '../viz/table';
import { writeFileAtomic } from '../atomic-write';
import type { WrittenFiles } from './output';
import type { ExperimentResult } from './types';

export interface ReportEntry {
  title: string;
  result: ExperimentResult;
  files: WrittenFiles;
  cached: boolean;
}

export interface ReportContext {
  preset: string;
  backend: string;
  /** Seconds the whole `make figures` took. */
  seconds: number;
  date: string;
}

function metaLine(r: ExperimentResult, cached: boolean): string {
  const m = r.meta;
  return `data: ${m.data} · config ${m.configHash} · seed ${m.seed} · backend ${m.backend} · ${m.seconds.toFixed(1)} s${cached ? ' (cached)' : ''}`;
}

/** Markdown report with every table and figure. */
export function reportMarkdown(entries: ReportEntry[], ctx: ReportContext): string {
  const out: string[] = [
    '# lmindexer-ts — reproduction report',
    '',
    `Preset \`${ctx.preset}\`, backend ${ctx.backend}, generated ${ctx.date} in ${ctx.seconds.toFixed(0)} s.`,
    'Every table shows the paper\'s value beside ours where the paper has one, and names the data we used;',
    'our data and model sizes differ from the paper\'s (see README "Scaling down"), so compare orderings, not digits.',
    '',
  ];
  for (const e of entries) {
    out.push(`## ${e.title}`, '', `_${metaLine(e.result, e.cached)}_`, '');
    if (e.result.meta.paper) out.push(`Paper: ${e.result.meta.paper}`, '');
    for (const t of e.result.tables) out.push(tableToMarkdown(t), '');
    for (const f of e.files.figures) {
      const fig = e.result.figures.find((x) => x.id === f.id);
      const img = f.png ?? f.svg;
      out.push(`### ${fig?.title ?? f.id}`, '');
      out.push(img ? `![${f.id}](${img})` : `(static image not rendered: Chromium unavailable) — [interactive](${f.html})`, '');
      if (img) out.push(`[interactive version](${f.html})`, '');
      if (fig?.caption) out.push(fig.caption, '');
    }
  }
  return out.join('\n');
}

const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** A static HTML gallery linking every figure and showing every table. */
export function galleryHtml(entries: ReportEntry[], ctx: ReportContext): string {
  const parts: string[] = [];
  for (const e of entries) {
    parts.push(`<section><h2>${esc(e.title)}</h2><p class="meta">${esc(metaLine(e.result, e.cached))}</p>`);
    for (const t of e.result.tables) parts.push(tableToHtml(t));
    for (const f of e.files.figures) {
      const fig = e.result.figures.find((x) => x.id === f.id);
      const img = f.png ?? f.svg;
      parts.push(
        `<figure><a href="${f.html}">${img ? `<img src="${img}" alt="${esc(f.id)}">` : esc(fig?.title ?? f.id)}</a>` +
          `<figcaption>${esc(fig?.title ?? f.id)}${fig?.caption ? ` — ${esc(fig.caption)}` : ''}</figcaption></figure>`,
      );
    }
    parts.push('</section>');
  }
  return `<!doctype html><html><head><meta charset="utf-8"><title>lmindexer-ts figures</title>
<style>body{font-family:system-ui,sans-serif;max-width:1100px;margin:2em auto;padding:0 1em;color:#222}
table{border-collapse:collapse;margin:1em 0;font-size:14px}td,th{border:1px solid #ccc;padding:4px 8px;text-align:right}
th{background:#f3f3f3}td:first-child,th:first-child{text-align:left}img{max-width:100%;border:1px solid #eee}
.meta{color:#666;font-size:13px}figure{margin:1em 0}</style></head><body>
<h1>lmindexer-ts — figures</h1><p class="meta">preset ${esc(ctx.preset)} · backend ${esc(ctx.backend)} · ${esc(ctx.date)} · ${ctx.seconds.toFixed(0)} s · <a href="REPORT.md">REPORT.md</a></p>
${parts.join('\n')}
</body></html>
`;
}

/** Write REPORT.md and index.html into `outDir`. */
export function writeReport(entries: ReportEntry[], ctx: ReportContext, outDir: string): void {
  writeFileAtomic(path.join(outDir, 'REPORT.md'), reportMarkdown(entries, ctx));
  writeFileAtomic(path.join(outDir, 'index.html'), galleryHtml(entries, ctx));
}
