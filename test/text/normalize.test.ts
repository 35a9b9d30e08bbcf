import { test } from 'node:test';
import assert from 'node:assert/strict';
import { collapseWhitespace, decodeHtmlEntities, normalizeText, preTokenize } from '../../src/text/normalize';

test('decodeHtmlEntities: named, decimal and hex entities; unknown and invalid left alone; single pass', () => {
  assert.equal(decodeHtmlEntities('A &amp; B &lt;x&gt; &quot;q&quot; it&#39;s &#x27;y&#X27; &apos;'), 'A & B <x> "q" it\'s \'y\' \'');
  assert.equal(decodeHtmlEntities('&nbsp;&deg;&frac12;&trade;'), '\u00a0°½™');
  assert.equal(decodeHtmlEntities('&notanentity; &#0; &#xD800; & alone'), '&notanentity; &#0; &#xD800; & alone');
  assert.equal(decodeHtmlEntities('&amp;lt;'), '&lt;');
  assert.equal(decodeHtmlEntities('&#128512;'), '😀');
});

test('collapseWhitespace: runs of any Unicode whitespace become one space, ends trimmed', () => {
  assert.equal(collapseWhitespace(' \t a \n\n b\u00a0\u2003c  '), 'a b c');
});

test('normalizeText: tags stripped, entities decoded, NFKC, controls dropped, lowercase optional', () => {
  assert.equal(normalizeText('<b>Heavy&nbsp;Duty</b><br/>Tape &amp; Glue'), 'heavy duty tape & glue');
  assert.equal(normalizeText('ﬁlter Ｆｕｌｌ ½'), 'filter full 1⁄2');
  assert.equal(normalizeText('zero\u200bwidth\u0007bell\ttab'), 'zerowidthbell tab');
  assert.equal(normalizeText('Café ÉTÉ', { lowercase: false }), 'Café ÉTÉ');
  assert.equal(normalizeText('Café ÉTÉ', { stripAccents: true }), 'cafe ete');
  assert.equal(normalizeText('a < b > c', {}), 'a < b > c', 'non-tag angle brackets survive');
  assert.equal(normalizeText('e\u0301', { unicode: 'NFC' }), 'é');
});

test('preTokenize: words in any script, punctuation and symbols alone, CJK ideographs alone', () => {
  assert.deepEqual(preTokenize('hello, wörld-2! (x_y) $5.99'), ['hello', ',', 'wörld', '-', '2', '!', '(', 'x', '_', 'y', ')', '$', '5', '.', '99']);
  assert.deepEqual(preTokenize('東京タワー ελληνικά привет'), ['東', '京', 'タワー', 'ελληνικά', 'привет']);
  assert.deepEqual(preTokenize('naïve 😀 e\u0301'), ['naïve', '😀', 'e\u0301']);
  assert.deepEqual(preTokenize('   '), []);
});
