/**
 * Static export of figures: PNG and SVG through one headless Chromium page (playwright-core) kept open for all
 * figures, plus self-contained HTML that needs no browser at export time. Chromium is found at `CHROMIUM_PATH` or
 * `/usr/bin/chromium`; without it `openExporter` still returns an exporter, whose `png`/`svg` write nothing and
 * return false, and `available`/`reason` say why — callers then write HTML only and say so.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import type { FigureSpec } from './figure';
import { figureDocument, plotlyPath } from './html';
import { DEFAULT_SIZE } from './style';

/** Where Chromium is expected: `CHROMIUM_PATH` or `/usr/bin/chromium`. */
export function chromiumPath(): string {
  return process.env.CHROMIUM_PATH || '/usr/bin/chromium';
}

/** Chromium flags for a quiet, offline, sandbox-less headless run (containers, CI). */
export const CHROMIUM_ARGS: readonly string[] = [
  '--no-sandbox', '--headless', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

/** Renders figures to static images; one browser page serves every call. */
export interface Exporter {
  /** False when Chromium is missing or failed to start; then `png`/`svg` write nothing. */
  readonly available: boolean;
  /** Why it is unavailable (empty when available). */
  readonly reason: string;
  /** PNG bytes (scale 2 by default), or undefined when unavailable. */
  pngBuffer(fig: FigureSpec, scale?: number): Promise<Buffer | undefined>;
  /** SVG text, or undefined when unavailable. */
  svgString(fig: FigureSpec): Promise<string | undefined>;
  /** Write a PNG; returns false (and writes nothing) when unavailable. */
  png(fig: FigureSpec, file: string, scale?: number): Promise<boolean>;
  /** Write an SVG; returns false (and writes nothing) when unavailable. */
  svg(fig: FigureSpec, file: string): Promise<boolean>;
  /** Close the browser (idempotent). */
  close(): Promise<void>;
}

function ensureDir(file: string): void {
  fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
}

/** Write a self-contained HTML page for the figure (plotly.js inlined; no network needed to view it). */
export function writeHtml(fig: FigureSpec, file: string): void {
  ensureDir(file);
  fs.writeFileSync(file, figureDocument(fig));
}

function unavailable(reason: string): Exporter {
  return {
    available: false,
    reason,
    pngBuffer: async () => undefined,
    svgString: async () => undefined,
    png: async () => false,
    svg: async () => false,
    close: async () => undefined,
  };
}

interface ImageRequest {
  data: unknown;
  layout: unknown;
  format: 'png' | 'svg';
  width: number;
  height: number;
  scale: number;
}

/** Calls `Plotly.toImage` in the page on a detached div; returns the data URL. */
async function toImage(page: Page, req: ImageRequest): Promise<string> {
  return page.evaluate(async (r: ImageRequest) => {
    const P = (globalThis as unknown as { Plotly: { toImage: (f: unknown, o: unknown) => Promise<string> } }).Plotly;
    return P.toImage({ data: r.data, layout: { ...(r.layout as object), width: r.width, height: r.height } }, {
      format: r.format, width: r.width, height: r.height, scale: r.scale,
    });
  }, req);
}

function request(fig: FigureSpec, format: 'png' | 'svg', scale: number): ImageRequest {
  return {
    data: fig.data, layout: fig.layout, format, scale,
    width: fig.width ?? DEFAULT_SIZE.width, height: fig.height ?? DEFAULT_SIZE.height,
  };
}

/**
 * Start headless Chromium with plotly.js loaded into one page. Never throws for a missing or broken browser:
 * check `available`. Calls are serialised (one page), so it is safe to fire several at once.
 */
export async function openExporter(opts: { executablePath?: string } = {}): Promise<Exporter> {
  const exe = opts.executablePath ?? chromiumPath();
  if (!fs.existsSync(exe)) return unavailable(`Chromium not found at ${exe} (set CHROMIUM_PATH or apt-get install chromium); wrote no PNG/SVG`);
  let browser: Browser;
  let page: Page;
  try {
    const { chromium } = await import('playwright-core');
    browser = await chromium.launch({ executablePath: exe, args: [...CHROMIUM_ARGS], headless: true });
    page = await browser.newPage();
    await page.setContent('<!DOCTYPE html><html><head><meta charset="utf-8"></head><body></body></html>');
    await page.addScriptTag({ path: plotlyPath() });
  } catch (e) {
    return unavailable(`Chromium at ${exe} failed to start or load plotly.js: ${(e as Error).message.split('\n')[0]}`);
  }
  let queue: Promise<unknown> = Promise.resolve();
  const serial = <T>(fn: () => Promise<T>): Promise<T> => {
    const next = queue.then(fn, fn);
    queue = next.catch(() => undefined);
    return next;
  };
  let closed = false;
  const pngBuffer = (fig: FigureSpec, scale = 2) =>
    serial(async () => {
      const url = await toImage(page, request(fig, 'png', scale));
      return Buffer.from(url.slice(url.indexOf(',') + 1), 'base64');
    });
  const svgString = (fig: FigureSpec) =>
    serial(async () => {
      const url = await toImage(page, request(fig, 'svg', 1));
      const body = url.slice(url.indexOf(',') + 1);
      return /;base64,/.test(url.slice(0, url.indexOf(',') + 1)) ? Buffer.from(body, 'base64').toString('utf8') : decodeURIComponent(body);
    });
  return {
    available: true,
    reason: '',
    pngBuffer,
    svgString,
    async png(fig, file, scale) {
      const buf = await pngBuffer(fig, scale);
      ensureDir(file);
      fs.writeFileSync(file, buf);
      return true;
    },
    async svg(fig, file) {
      const s = await svgString(fig);
      ensureDir(file);
      fs.writeFileSync(file, s);
      return true;
    },
    async close() {
      if (closed) return;
      closed = true;
      await browser.close().catch(() => undefined);
    },
  };
}
