/**
 * A small JSON scanner used only to *locate* things for error messages: the offset of the first syntax error
 * (Node 20's `JSON.parse` messages often give none) and the line of each top-level object key.
 */

/** Result of scanning a JSON text. */
export interface JsonScan {
  /** Character offset of the first syntax error, or undefined when the text is valid JSON. */
  errorOffset?: number;
  /** What was expected at `errorOffset`. */
  expected?: string;
  /** Top-level object key → character offset of the key (first occurrence), when the root is an object. */
  topKeys: Map<string, number>;
}

class ScanError extends Error {
  constructor(readonly offset: number, readonly expected: string) {
    super(expected);
  }
}

/** Scan `text`; never throws. */
export function scanJson(text: string): JsonScan {
  const topKeys = new Map<string, number>();
  let i = 0;
  const ws = (): void => {
    while (i < text.length) {
      const c = text.charCodeAt(i);
      if (c === 32 || c === 9 || c === 10 || c === 13) i++;
      else break;
    }
  };
  const fail = (expected: string): never => {
    throw new ScanError(i, expected);
  };
  const str = (): string => {
    const start = i;
    if (text[i] !== '"') fail('a string');
    i++;
    while (i < text.length && text[i] !== '"') {
      const c = text.charCodeAt(i);
      if (c < 0x20) fail('no raw control character inside a string');
      if (text[i] === '\\') {
        i++;
        const e = text[i];
        if (e === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 1, i + 5))) fail('four hex digits after \\u');
          i += 4;
        } else if (e === undefined || !'"\\/bfnrt'.includes(e)) fail('a valid escape');
      }
      i++;
    }
    if (i >= text.length) fail('a closing quote');
    i++;
    return JSON.parse(text.slice(start, i)) as string;
  };
  const num = (): void => {
    const m = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(i, i + 64));
    if (!m) fail('a value');
    i += m![0].length;
  };
  const value = (depth: number): void => {
    ws();
    const c = text[i];
    if (c === '{') {
      i++;
      ws();
      if (text[i] === '}') {
        i++;
        return;
      }
      for (;;) {
        ws();
        const at = i;
        const key = str();
        if (depth === 0 && !topKeys.has(key)) topKeys.set(key, at);
        ws();
        if (text[i] !== ':') fail("':' after an object key");
        i++;
        value(depth + 1);
        ws();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === '}') {
          i++;
          return;
        }
        fail("',' or '}' after an object value");
      }
    } else if (c === '[') {
      i++;
      ws();
      if (text[i] === ']') {
        i++;
        return;
      }
      for (;;) {
        value(depth + 1);
        ws();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === ']') {
          i++;
          return;
        }
        fail("',' or ']' after an array element");
      }
    } else if (c === '"') str();
    else if (text.startsWith('true', i)) i += 4;
    else if (text.startsWith('false', i)) i += 5;
    else if (text.startsWith('null', i)) i += 4;
    else num();
  };
  try {
    value(0);
    ws();
    if (i < text.length) fail('end of input');
    return { topKeys };
  } catch (e) {
    if (e instanceof ScanError) return { errorOffset: e.offset, expected: e.expected, topKeys };
    throw e;
  }
}

/** 1-based line number of character `offset` in `text`. */
export function lineOf(text: string, offset: number): number {
  let line = 1;
  for (let k = text.indexOf('\n'); k !== -1 && k < offset; k = text.indexOf('\n', k + 1)) line++;
  return line;
}
