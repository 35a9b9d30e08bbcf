/** Light text cleaning for upstream product text: decode common HTML entities, collapse whitespace. */

const NAMED: Record<string, string> = {
  amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ', rsquo: '\u2019', lsquo: '\u2018', rdquo: '\u201d',
  ldquo: '\u201c', ndash: '\u2013', mdash: '\u2014', hellip: '\u2026', deg: '\u00b0', plusmn: '\u00b1', times: '\u00d7',
  micro: '\u00b5', reg: '\u00ae', trade: '\u2122', copy: '\u00a9', frac12: '\u00bd', frac14: '\u00bc', frac34: '\u00be',
  eacute: '\u00e9', egrave: '\u00e8', uuml: '\u00fc', ouml: '\u00f6', auml: '\u00e4', bull: '\u2022', middot: '\u00b7',
  sup2: '\u00b2', sup3: '\u00b3', ohm: '\u2126', Omega: '\u03a9', mu: '\u03bc', le: '\u2264', ge: '\u2265',
};

/** Decode `&amp;`, `&#39;`, `&#x27;` and the common named entities; unknown entities are left as they are. */
export function decodeHtmlEntities(s: string): string {
  if (!s.includes('&')) return s;
  return s.replace(/&(#x[0-9a-fA-F]+|#\d+|[A-Za-z][A-Za-z0-9]*);/g, (m, body: string) => {
    if (body[0] === '#') {
      const code = body[1] === 'x' || body[1] === 'X' ? parseInt(body.slice(2), 16) : parseInt(body.slice(1), 10);
      return Number.isFinite(code) && code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : m;
    }
    return NAMED[body] ?? m;
  });
}

/** Replace runs of whitespace (spaces, tabs, newlines) by one space and trim. */
export function collapseWhitespace(s: string): string {
  return s.replace(/\s+/g, ' ').trim();
}

/** Entity decoding followed by whitespace collapsing. */
export function cleanText(s: string): string {
  return collapseWhitespace(decodeHtmlEntities(s));
}
