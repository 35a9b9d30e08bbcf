/** Sequential recommendation baselines and their shared evaluation protocol (Table 2). */
export * from './item-index';
export * from './top-k';
export * from './protocol';
export * from './sparse-rows';
export * from './mostpop';
export * from './markov';
export * from './itemknn';
