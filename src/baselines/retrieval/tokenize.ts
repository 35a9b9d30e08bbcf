/**
 * Retrieval tokeniser: lowercase, tokens = maximal runs of `[a-z0-9]` (everything else separates, so "COVID-19"
 * → covid, 19 and accented letters split words), optional stop word removal, optional Porter stemming (letters-only
 * tokens; tokens with digits are kept as they are).
 */
import { porterStem } from './porter';
import { LUCENE_STOPWORDS } from './stopwords';

/** Options for {@link tokenize}. */
export interface TokenizeOptions {
  /** Stop words to drop (default: the Lucene 33-word English set); pass an empty set to keep every token. */
  stopwords: ReadonlySet<string>;
  /** Porter-stem letter tokens (default false). */
  stem: boolean;
}

/** Defaults for {@link TokenizeOptions}. */
export const TOKENIZE_DEFAULTS: TokenizeOptions = { stopwords: LUCENE_STOPWORDS, stem: false };

/** Tokenise `text` for BM25 indexing and querying. */
export function tokenize(text: string, options: Partial<TokenizeOptions> = {}): string[] {
  const o = { ...TOKENIZE_DEFAULTS, ...options };
  const out: string[] = [];
  for (const m of text.toLowerCase().matchAll(/[a-z0-9]+/g)) {
    const t = m[0];
    if (o.stopwords.has(t)) continue;
    out.push(o.stem && /^[a-z]+$/.test(t) ? porterStem(t) : t);
  }
  return out;
}
