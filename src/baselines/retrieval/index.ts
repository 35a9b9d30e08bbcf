/** Retrieval baselines (Tables 3 and 5). */
export * from './stopwords';
export * from './porter';
export * from './tokenize';
export * from './bm25';
export * from './suffix-array';
export * from './model-copy';
export * from './dual-encoder';
export * from './seal';
export * from './evaluate';
