/**
 * Writes experiment results to disk for `make figures`: each table as Markdown + JSON under `tables/`, each figure
 * as self-contained HTML plus PNG and SVG when headless Chromium is available, and the result JSON (with meta) that
 * the cache and REPORT.md read back.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { writeFileAtomic } from '../atomic-write';
import type { Exporter } from '../viz/export';
import { writeHtml } from '../viz/export';
import { tableToMarkdown } from '../viz/table';
import type { ExperimentResult } from './types';

/** Paths written for one experiment, relative to the output directory. */
export interface WrittenFiles {
  tables: { id: string; md: string; json: string }[];
  figures: { id: string; html: string; png?: string; svg?: string }[];
}

/** Write one result's tables and figures under `outDir`. */
export async function writeResult(result: ExperimentResult, outDir: string, exporter?: Exporter): Promise<WrittenFiles> {
  const written: WrittenFiles = { tables: [], figures: [] };
  for (const t of result.tables) {
    const md = path.join('tables', `${t.id}.md`);
    const json = path.join('tables', `${t.id}.json`);
    writeFileAtomic(path.join(outDir, md), `${tableToMarkdown(t)}\n`);
    writeFileAtomic(path.join(outDir, json), `${JSON.stringify({ ...t, meta: result.meta }, null, 2)}\n`);
    written.tables.push({ id: t.id, md, json });
  }
  for (const f of result.figures) {
    const html = `${f.id}.html`;
    writeHtml(f, path.join(outDir, html));
    const entry: WrittenFiles['figures'][number] = { id: f.id, html };
    if (exporter?.available) {
      await exporter.png(f, path.join(outDir, `${f.id}.png`));
      await exporter.svg(f, path.join(outDir, `${f.id}.svg`));
      entry.png = `${f.id}.png`;
      entry.svg = `${f.id}.svg`;
    }
    written.figures.push(entry);
  }
  return written;
}
