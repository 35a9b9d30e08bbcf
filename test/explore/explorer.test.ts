import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { explorerData, explorerHtml, writeExplorer } from '../../src/explore';
import { LmiError } from '../../src/errors';
import type { LoadedIdIndex } from '../../src/quantize/id-index';
import { CHROMIUM_ARGS, chromiumPath } from '../../src/viz/export';
import { quickstartIndex } from './fixture';

const out = fs.mkdtempSync(path.join(os.tmpdir(), 'lmi-explorer-page-'));

/** A tiny hand-made index whose texts try to break out of the page's script elements. */
const hostile: LoadedIdIndex = {
  dir: '(memory)',
  manifest: {
    format: 'lmindexer-id-index', version: 1, indexer: 'hc', corpus: { name: 'x</script>', source: 's', labelKeys: ['top'], numDocs: 3 },
    configHash: 'abc', config: {}, codebookSizes: [2, 2], idLength: 2, created: '2024-01-01T00:00:00.000Z', indexerMeta: {},
  },
  corpus: {
    name: 'x</script>', source: 's', labelKeys: ['top'],
    docs: [
      { id: 'a', text: 'apple </script><script>window.pwned=1</script> <!-- pear', labels: { top: '<b>fruit</b>' } },
      { id: 'b', text: 'pear apple \u2028 line', labels: { top: 'fruit' } },
      { id: 'c', text: 'hammer nail', labels: { top: 'tool' } },
    ],
  },
  result: { ids: [[0, 0], [0, 1], [1, 0]], codebookSizes: [2, 2], meta: {} },
};

test('explorerData: tree top words, label dictionaries, search table sizes', async () => {
  const idx = await quickstartIndex();
  const d = explorerData(idx);
  assert.equal(d.numDocs, 600);
  assert.equal(d.depth, 3);
  assert.equal(d.docs.codes.length, 600 * idx.result.codebookSizes.length);
  assert.ok(d.nodeTerms[''].length > 0 && d.nodeTerms[String(idx.result.ids[0][0])].length > 0);
  for (const terms of Object.values(d.nodeTerms)) for (const [t, s] of terms) assert.ok(t < d.vocab.length && s >= 1 && s <= 100);
  assert.deepEqual(d.labelKeys, ['level1', 'level2', 'level3']);
  assert.equal(d.labels.level1.idx.length, 600);
  const offsets = new Uint32Array(new Uint8Array(Buffer.from(d.search.offsets, 'base64')).buffer);
  assert.equal(offsets.length, 601);
  assert.equal(Buffer.from(d.search.terms, 'base64').length, 2 * offsets[600]);
  assert.equal(Buffer.from(d.search.weights, 'base64').length, offsets[600]);
  assert.deepEqual(explorerData(idx), d, 'deterministic');
});

test('explorerHtml: one inert fragment, no network, hostile text stays data', () => {
  const html = explorerHtml(hostile, { elementId: 'ex1' });
  assert.ok(html.startsWith('<div class="lmi-explorer" id="ex1">'));
  assert.equal((html.match(/<\/script>/gi) ?? []).length, 2, 'only the data and code scripts close');
  assert.equal((html.match(/<script/gi) ?? []).length, 2);
  assert.doesNotMatch(html, /\s(src|href)=["']?https?:/i);
  assert.ok(html.includes('TF-IDF approximation'));
  assert.throws(() => explorerHtml(hostile, { depth: 3 }), LmiError);
  assert.throws(() => explorerHtml(hostile, { labelKey: 'nope' }), /labelKey/);
  assert.throws(() => explorerHtml(hostile, { elementId: 'a b' }), /elementId/);
});

const noChromium = !fs.existsSync(chromiumPath()) ? `Chromium not found at ${chromiumPath()}` : false;

test('explorer page in headless Chromium: counts, navigation, search, screenshot', { skip: noChromium, timeout: 90_000 }, async () => {
  const idx = await quickstartIndex();
  const file = path.join(out, 'explorer.html');
  const bytes = writeExplorer(idx, file);
  assert.ok(bytes < 2_000_000, `page is ${bytes} bytes for 600 docs`);
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({ executablePath: chromiumPath(), args: [...CHROMIUM_ARGS], headless: true });
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 940 } });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('request', (r) => { if (!r.url().startsWith('file:') && !r.url().startsWith('data:')) errors.push(`network: ${r.url()}`); });
    await page.goto(pathToFileURL(file).href);
    await page.waitForSelector('.lmi-explorer[data-ready="1"]', { timeout: 20_000 });
    const text = (role: string) => page.locator(`[data-role="${role}"]`).first().textContent();

    // Root shows the document count.
    assert.equal(await text('centre-count'), '600 docs');
    assert.match((await text('node-sub')) ?? '', /^600 documents/);
    assert.equal(await page.locator('[data-role="docs"] > li').count(), 50);

    // Click into the largest first-position code: the panel and document list follow.
    const count = new Map<number, number>();
    for (const row of idx.result.ids) count.set(row[0], (count.get(row[0]) ?? 0) + 1);
    const [big, bigN] = [...count].sort((a, b) => b[1] - a[1])[0];
    await page.click(`svg path[data-key="${big}"]`);
    assert.equal(await page.getAttribute('.lmi-explorer', 'data-selected'), String(big));
    assert.match((await text('node-title')) ?? '', new RegExp(`^c¹=${big}$`));
    assert.match((await text('docs-head')) ?? '', new RegExp(`of ${bigN}\\)`));
    const listed = await page.locator('[data-role="docs"] > li').evaluateAll((lis) => lis.map((li) => Number(li.getAttribute('data-doc'))));
    assert.equal(listed.length, Math.min(50, bigN));
    assert.ok(listed.every((i) => idx.result.ids[i][0] === big), 'every listed document has the clicked code');

    // Back to the root, then search with words typical of one topic: the predicted path starts with that topic's majority first code.
    const docs = idx.corpus.docs;
    const topicCount = new Map<string, number>();
    for (const d of docs) topicCount.set(d.labels!.level1, (topicCount.get(d.labels!.level1) ?? 0) + 1);
    const topic = [...topicCount].sort((a, b) => b[1] - a[1])[0][0];
    const inTopic = docs.map((d) => d.labels!.level1 === topic);
    const df = new Map<string, [number, number]>();
    docs.forEach((d, i) => {
      for (const w of new Set(d.text.split(/\s+/))) {
        const e = df.get(w) ?? [0, 0];
        e[inTopic[i] ? 0 : 1]++;
        df.set(w, e);
      }
    });
    const nIn = inTopic.filter(Boolean).length;
    const words = [...df].map(([w, [a, b]]) => [w, a / nIn - b / (docs.length - nIn)] as const).sort((x, y) => y[1] - x[1]).slice(0, 6).map(([w]) => w);
    const c1 = new Map<number, number>();
    docs.forEach((_, i) => { if (inTopic[i]) c1.set(idx.result.ids[i][0], (c1.get(idx.result.ids[i][0]) ?? 0) + 1); });
    const expected = [...c1].sort((a, b) => b[1] - a[1])[0][0];
    await page.click('[data-role="crumbs"] button >> nth=0');
    assert.equal(await page.getAttribute('.lmi-explorer', 'data-focus'), '');
    await page.fill('[data-role="query"]', words.join(' '));
    await page.waitForSelector('[data-role="pred"][data-path]');
    const predicted = (await page.getAttribute('[data-role="pred"]', 'data-path'))!.split('-').map(Number);
    assert.equal(predicted.length, 3);
    assert.equal(predicted[0], expected, `query "${words.join(' ')}" (topic ${topic})`);
    assert.equal(await page.locator(`svg path.lx-on[data-key="${predicted[0]}"]`).count(), 1, 'path highlighted in the sunburst');

    // Clicking a search result navigates to its node and marks the document.
    const hit = page.locator('[data-role="results"] > li').first();
    const hitDoc = Number(await hit.getAttribute('data-doc'));
    await hit.click();
    assert.equal(await page.getAttribute('.lmi-explorer', 'data-selected'), idx.result.ids[hitDoc].slice(0, 3).join('-'));
    assert.equal(await page.locator(`[data-role="docs"] > li.lx-flash[data-doc="${hitDoc}"]`).count(), 1);

    // Screenshot: zoomed into the predicted first code, path highlighted.
    await page.click(`[data-role="crumbs"] button >> nth=1`);
    assert.equal(await page.getAttribute('.lmi-explorer', 'data-focus'), String(predicted[0]));
    fs.mkdirSync('figures', { recursive: true });
    await page.screenshot({ path: path.join('figures', 'explorer-screenshot.png'), fullPage: true });
    assert.deepEqual(errors, []);
  } finally {
    await browser.close();
  }
});

test('hostile texts render as text in Chromium', { skip: noChromium, timeout: 60_000 }, async () => {
  const file = path.join(out, 'hostile.html');
  writeExplorer(hostile, file);
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({ executablePath: chromiumPath(), args: [...CHROMIUM_ARGS], headless: true });
  try {
    const page = await browser.newPage();
    await page.goto(pathToFileURL(file).href);
    await page.waitForSelector('.lmi-explorer[data-ready="1"]', { timeout: 20_000 });
    assert.equal(await page.evaluate(() => (globalThis as unknown as { pwned?: number }).pwned), undefined);
    const snip = await page.locator('[data-role="docs"] .lx-snip').first().textContent();
    assert.ok(snip?.includes('</script><script>'));
    await page.fill('[data-role="query"]', 'hammer');
    await page.waitForSelector('[data-role="pred"][data-path]');
    assert.equal(await page.getAttribute('[data-role="pred"]', 'data-path'), '1-0');
  } finally {
    await browser.close();
  }
});
