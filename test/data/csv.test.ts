import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseCsv, parseCsvLine } from '../../src/data/csv';
import { cleanText, decodeHtmlEntities } from '../../src/data/clean';
import { lineOf, scanJson } from '../../src/data/json-scan';
import { splitCategories } from '../../src/data/scientific';

test('CSV: plain, quoted, doubled quotes, embedded delimiter, tab and newline', () => {
  const text = 'a,b,c\n1,"x, y","say ""hi"""\n2,"two\nlines",\t tab\n3,,""\n';
  const recs = parseCsv(text);
  assert.deepEqual(recs.map((r) => r.fields), [
    ['a', 'b', 'c'],
    ['1', 'x, y', 'say "hi"'],
    ['2', 'two\nlines', '\t tab'],
    ['3', '', ''],
  ]);
  assert.deepEqual(recs.map((r) => r.line), [1, 2, 3, 5]);
});

test('CSV: CRLF line ends, no trailing newline, empty lines skipped or kept', () => {
  assert.deepEqual(parseCsv('a,b\r\n"c\r\nd",e').map((r) => r.fields), [['a', 'b'], ['c\r\nd', 'e']]);
  assert.deepEqual(parseCsv('a\n\nb\n').map((r) => r.fields), [['a'], ['b']]);
  assert.deepEqual(parseCsv('a\n\nb\n', { skipEmptyLines: false }).map((r) => r.fields), [['a'], [''], ['b']]);
  assert.deepEqual(parseCsv('x;"y;z"', { delimiter: ';' })[0].fields, ['x', 'y;z']);
});

test('CSV line parser matches Python csv on tricky lines', () => {
  // expected values from Python: list(csv.reader([line]))[0]
  assert.deepEqual(parseCsvLine('0,"CAIRO , EGYPT -- a ""b"" c"'), ['0', 'CAIRO , EGYPT -- a "b" c']);
  assert.deepEqual(parseCsvLine('1,plain text\twith tab'), ['1', 'plain text\twith tab']);
  assert.deepEqual(parseCsvLine(',,'), ['', '', '']);
  assert.deepEqual(parseCsvLine(''), ['']);
  assert.deepEqual(parseCsvLine('a b "c" d'), ['a b "c" d']);
});

test('CSV errors name file, line and field', () => {
  assert.throws(() => parseCsv('a,b\nc,"open\nmore', { file: 'x.csv' }), /x\.csv:2: field 2: unterminated quoted field/);
  assert.throws(() => parseCsv('a,"b"c\n', { file: 'y.csv' }), /y\.csv:1: field 2: unexpected "c" after a closing quote/);
  assert.throws(() => parseCsvLine('a\nb'), /expected one CSV record/);
});

test('HTML entities and whitespace', () => {
  assert.equal(decodeHtmlEntities('A &amp; B &#39;x&#39; &#x41; &quot;q&quot; &plusmn;1 &bogus;'), 'A & B \'x\' A "q" ±1 &bogus;');
  assert.equal(cleanText('  a\t\tb \n c&nbsp;d '), 'a b c d');
});

test('Scientific categories split only at commas not followed by a space', () => {
  assert.deepEqual(splitCategories('Industrial & Scientific,Tapes, Adhesives & Sealants,Tapes,Duct Tape'), ['Industrial & Scientific', 'Tapes, Adhesives & Sealants', 'Tapes', 'Duct Tape']);
  assert.deepEqual(splitCategories(''), []);
  assert.deepEqual(splitCategories('Industrial & Scientific'), ['Industrial & Scientific']);
});

test('JSON scanner locates syntax errors and top-level keys', () => {
  const bad = '{\n "a": 1,\n "b": }\n';
  const s = scanJson(bad);
  assert.equal(lineOf(bad, s.errorOffset!), 3);
  const good = '{\n "x": {"y": 1},\n "z\\"q": [1, 2]\n}';
  const g = scanJson(good);
  assert.equal(g.errorOffset, undefined);
  assert.deepEqual([...g.topKeys.keys()], ['x', 'z"q']);
  assert.equal(lineOf(good, g.topKeys.get('z"q')!), 3);
  for (const t of ['[1,2,]', '{"a":1', '', '{"a" 1}', '[01]', '"\\x"', 'tru']) assert.notEqual(scanJson(t).errorOffset, undefined, t);
  for (const t of ['[]', '{}', '-1.5e3', '"\\u00e9"', 'null', ' [true, false, {"a": [null]}] ']) assert.equal(scanJson(t).errorOffset, undefined, t);
});
