import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { chromiumPath, CHROMIUM_ARGS } from '../../src/viz/export';
import { figureSnippet } from '../../src/viz/html';
import { bar, line } from '../../src/viz/plots';

const noChromium = !fs.existsSync(chromiumPath()) ? `Chromium not found at ${chromiumPath()}` : false;

// What a notebook page holds after two show() calls: the first output carries plotly.js, the second relies on it.
test('notebook outputs draw in a browser: library in the first output only, static fallback hidden', { skip: noChromium, timeout: 60_000 }, async () => {
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({ executablePath: chromiumPath(), args: [...CHROMIUM_ARGS] });
  try {
    const page = await browser.newPage();
    const a = figureSnippet(line({ id: 'a', title: 'A', series: [{ name: 's', y: [1, 2, 3] }] }), { includeLibrary: true, divId: 'fa' });
    const b = figureSnippet(bar({ id: 'b', title: 'B', x: ['x', 'y'], series: [{ name: 's', y: [1, 2] }] }), { includeLibrary: false, divId: 'fb', staticPng: 'iVBORw0KGgo=' });
    // Later output first in the DOM order of script execution would be the hard case; here b's script polls.
    await page.setContent(`<!DOCTYPE html><html><body>${b}${a}</body></html>`);
    await page.waitForFunction(() => (globalThis as unknown as { document: { querySelectorAll(s: string): { length: number } } }).document.querySelectorAll('.js-plotly-plot').length === 2, undefined, { timeout: 20_000 });
    const hidden = await page.evaluate(() => (globalThis as unknown as { document: { getElementById(s: string): { style: { display: string } } } }).document.getElementById('fb-static').style.display);
    assert.equal(hidden, 'none');
  } finally {
    await browser.close();
  }
});
