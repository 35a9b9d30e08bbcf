/**
 * Text normalisation and pre-tokenisation for the corpus-trained tokenizer (BERT-style basic tokenizer):
 * strip HTML tags, decode HTML entities, Unicode-normalise, drop control/format characters, optionally lowercase
 * and strip accents, collapse whitespace; then split into words (runs of letters, marks and digits in any script),
 * single punctuation/symbol characters, and single CJK ideographs.
 */

/** Options of {@link normalizeText}. */
export interface NormalizeOptions {
  /** Lowercase (locale-independent `toLowerCase`). */
  lowercase: boolean;
  /** Unicode normal form applied after entity decoding (`none` = leave as is). */
  unicode: 'NFKC' | 'NFC' | 'none';
  /** Remove accents (combining marks after NFD), e.g. café → cafe. */
  stripAccents: boolean;
  /** Remove HTML tags such as `<br>`, `<b>`, `</p>` (only tag-shaped `<letter…>` runs). */
  stripTags: boolean;
}

/** Defaults of {@link NormalizeOptions}. */
export const DEFAULT_NORMALIZE_OPTIONS: NormalizeOptions = {
  lowercase: true,
  unicode: 'NFKC',
  stripAccents: false,
  stripTags: true,
};

const NAMED_ENTITIES: Record<string, string> = {
  amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00a0', ndash: '\u2013', mdash: '\u2014',
  hellip: '\u2026', lsquo: '\u2018', rsquo: '\u2019', ldquo: '\u201c', rdquo: '\u201d', reg: '\u00ae',
  copy: '\u00a9', trade: '\u2122', deg: '\u00b0', plusmn: '\u00b1', times: '\u00d7', divide: '\u00f7',
  micro: '\u00b5', frac12: '\u00bd', frac14: '\u00bc', frac34: '\u00be', bull: '\u2022', middot: '\u00b7',
  eacute: '\u00e9', egrave: '\u00e8', aacute: '\u00e1', agrave: '\u00e0', ouml: '\u00f6', uuml: '\u00fc',
  auml: '\u00e4', szlig: '\u00df', ntilde: '\u00f1', ccedil: '\u00e7', laquo: '\u00ab', raquo: '\u00bb',
  euro: '\u20ac', pound: '\u00a3', cent: '\u00a2', sect: '\u00a7', para: '\u00b6', shy: '\u00ad',
};

/**
 * Decodes HTML entities: the common named ones (`&amp; &lt; &gt; &quot; &apos; &nbsp;` …) and numeric ones
 * (`&#39;`, `&#x27;`). Unknown names and invalid code points are left unchanged. Decoding is single-pass, so
 * `&amp;lt;` becomes `&lt;` (not `<`).
 */
export function decodeHtmlEntities(text: string): string {
  if (!text.includes('&')) return text;
  return text.replace(/&(#[xX][0-9a-fA-F]{1,6}|#[0-9]{1,7}|[a-zA-Z][a-zA-Z0-9]{1,31});/g, (m, body: string) => {
    if (body[0] === '#') {
      const cp = body[1] === 'x' || body[1] === 'X' ? parseInt(body.slice(2), 16) : parseInt(body.slice(1), 10);
      if (cp > 0 && cp <= 0x10ffff && !(cp >= 0xd800 && cp <= 0xdfff)) return String.fromCodePoint(cp);
      return m;
    }
    return NAMED_ENTITIES[body] ?? NAMED_ENTITIES[body.toLowerCase()] ?? m;
  });
}

/** Replaces every whitespace run (including NBSP and other Unicode spaces) by one space and trims. */
export function collapseWhitespace(text: string): string {
  return text.replace(WS, ' ').trim();
}

const WS = /\s+/g;
const TAG = /<\/?[a-zA-Z][^<>]{0,200}>/g;
const CONTROL = /[\p{Cc}\p{Cf}]/gu;
const MARKS = /\p{M}/gu;

/** Normalises text for the corpus-trained tokenizer (see the module comment for the order of steps). */
export function normalizeText(text: string, options: Partial<NormalizeOptions> = {}): string {
  const o = { ...DEFAULT_NORMALIZE_OPTIONS, ...options };
  let s = text;
  if (o.stripTags && s.includes('<')) s = s.replace(TAG, ' ');
  s = decodeHtmlEntities(s);
  if (o.unicode !== 'none') s = s.normalize(o.unicode);
  // Whitespace controls (\t \n \r …) become spaces; other control and format characters (zero-width, BOM) vanish.
  s = s.replace(CONTROL, (c) => (/\s/.test(c) ? ' ' : ''));
  if (o.lowercase) s = s.toLowerCase();
  if (o.stripAccents) s = s.normalize('NFD').replace(MARKS, '').normalize('NFC');
  return collapseWhitespace(s);
}

const PRE_TOKEN = /\p{sc=Han}|(?:(?!\p{sc=Han})[\p{L}\p{M}\p{N}])+|[^\s\p{L}\p{M}\p{N}]/gu;

/**
 * Splits normalised text into words: maximal runs of letters/marks/digits (any script), each other non-space
 * character (punctuation, symbols) alone, each CJK ideograph alone. `"Hello, wörld-2!"` →
 * `["Hello", ",", "wörld", "-", "2", "!"]`.
 */
export function preTokenize(text: string): string[] {
  return text.match(PRE_TOKEN) ?? [];
}
