/** Retrieval baselines (Tables 3 and 5). */
export * from './stopwords';
export * from './porter';
export * from './tokenize';
export * from './bm25';
