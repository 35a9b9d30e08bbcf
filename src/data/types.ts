/** Core data types shared by loaders, indexers, tasks and experiments. */

/** One document (item, abstract, news text). `labels` are ground-truth categories for ID-quality metrics. */
export interface Doc {
  /** Unique within its corpus. For Amazon sets this is the S3Rec item id as a string. */
  id: string;
  text: string;
  /**
   * Ground-truth labels by name, e.g. `{ top: 'Makeup', path: 'Makeup > Nails > Nail Polish' }` or
   * `{ level1: 't3', level2: 't3.1' }`. Used for AMI (Table 1) and category plots (Figure 3).
   */
  labels?: Record<string, string>;
  /** Extra structured fields (title, brand, …) kept for display. */
  meta?: Record<string, string>;
}

/** A named, validated collection of documents with unique ids. */
export interface Corpus {
  name: string;
  /** Where it came from: `synthetic(seed=42, …)` or file paths; printed beside every result. */
  source: string;
  docs: Doc[];
  /** Label keys present on every doc (e.g. ['level1', 'level2']), coarsest first. */
  labelKeys: string[];
}

/** Chronological user→item sequences (item ids as Doc ids of the item corpus). */
export interface Interactions {
  name: string;
  source: string;
  /** user id → item ids, oldest first. */
  sequences: Map<string, string[]>;
}

/** Leave-one-out split of one user sequence (S3Rec/P5 convention: last = test, second-to-last = validation). */
export interface SequenceSplit {
  user: string;
  history: string[];
  target: string;
}

/** Queries with relevance judgements over a corpus (BEIR layout). */
export interface QuerySet {
  name: string;
  source: string;
  queries: { id: string; text: string }[];
  /** query id → relevant doc ids. */
  qrels: Map<string, Set<string>>;
}
