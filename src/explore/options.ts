/** Options of the ID explorer page and their defaults. */

/** Knobs for `explorerData`, `explorerHtml` and `writeExplorer`; every field has a default. */
export interface ExplorerOptions {
  /** Page heading (default `Semantic ID explorer — <corpus name>`). */
  title: string;
  /** ID positions shown as tree levels, c¹ → c^depth (default min(3, ID length); later positions appear in full IDs). */
  depth: number;
  /** Characters of each document's text kept in the page (longer texts are cut with `…`). */
  snippetChars: number;
  /** Top words listed per node. */
  topWords: number;
  /** TF-IDF terms kept per document for the in-page search (the largest weights; the rest are dropped). */
  termsPerDoc: number;
  /** Vocabulary cap of the TF-IDF model (most frequent terms; at most 65,535 so term ids fit 16 bits). */
  maxTerms: number;
  /** Minimum document frequency of a term (default 2, or 1 for corpora under 200 documents). */
  minDf: number;
  /** Label key used first for the category mix and colouring (default the corpus's coarsest key). */
  labelKey: string;
  /** Documents whose votes form the predicted ID path of a search. */
  searchTopK: number;
}

/** Defaults, with corpus-dependent ones left to `resolveOptions`. */
export const EXPLORER_DEFAULTS: Omit<ExplorerOptions, 'title' | 'depth' | 'minDf' | 'labelKey'> = {
  snippetChars: 280,
  topWords: 8,
  termsPerDoc: 24,
  maxTerms: 20_000,
  searchTopK: 10,
};
