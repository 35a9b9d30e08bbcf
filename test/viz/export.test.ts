import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { chromiumPath, openExporter, writeHtml } from '../../src/viz/export';
import { figureSnippet } from '../../src/viz/html';
import { line } from '../../src/viz/plots';

const fig = line({ id: 'loss-curve', title: 'Loss vs step', xTitle: 'step', yTitle: 'loss', series: [{ name: 'recon', y: [4, 3, 2.5, 2.2] }, { name: 'commitment', y: [2, 1.5, 1.2, 1.1] }] });
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lmi-viz-'));

test('writeHtml: self-contained page with the figure data and no external scripts', () => {
  const file = path.join(dir, 'sub', 'fig.html');
  writeHtml(fig, file);
  const html = fs.readFileSync(file, 'utf8');
  assert.ok(html.includes('"recon"') && html.includes('Loss vs step'));
  assert.ok(html.includes('plotly.js v'), 'plotly.js inlined');
  assert.doesNotMatch(html, /<script[^>]*\ssrc=["']?https?:/i);
  assert.equal((html.match(/<\/script>/gi) ?? []).length, 2, 'no stray </script> inside the inlined library');
});

test('figureSnippet: library only when asked, static PNG fallback as <img>', () => {
  const small = figureSnippet(fig, { includeLibrary: false, staticPng: 'iVBORw0KGgo=' });
  assert.ok(small.length < 20_000);
  assert.ok(small.includes('data:image/png;base64,iVBORw0KGgo='));
  assert.ok(figureSnippet(fig, { includeLibrary: true }).length > 1_000_000);
});

const noChromium = !fs.existsSync(chromiumPath()) ? `Chromium not found at ${chromiumPath()}` : false;

test('exporter writes PNG and SVG with one page', { skip: noChromium, timeout: 60_000 }, async () => {
  const ex = await openExporter();
  try {
    assert.ok(ex.available, ex.reason);
    const png = path.join(dir, 'fig.png');
    const svg = path.join(dir, 'fig.svg');
    assert.equal(await ex.png(fig, png), true);
    assert.equal(await ex.svg(fig, svg), true);
    const buf = fs.readFileSync(png);
    assert.deepEqual([...buf.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    assert.ok(buf.length > 10_000, `PNG only ${buf.length} bytes`);
    assert.equal(buf.readUInt32BE(16), 1600, 'width = 800 px at scale 2');
    const s = fs.readFileSync(svg, 'utf8');
    assert.ok(s.startsWith('<svg'), s.slice(0, 40));
    assert.ok(s.includes('Loss vs step'));
  } finally {
    await ex.close();
  }
});

test('missing Chromium: exporter is unavailable, writes nothing, says why', async () => {
  const ex = await openExporter({ executablePath: path.join(dir, 'no-such-chromium') });
  assert.equal(ex.available, false);
  assert.match(ex.reason, /not found/);
  const file = path.join(dir, 'none.png');
  assert.equal(await ex.png(fig, file), false);
  assert.equal(fs.existsSync(file), false);
  await ex.close();
});
