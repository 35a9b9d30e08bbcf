/** Sequential recommendation baselines and their shared evaluation protocol (Table 2). */
export * from './item-index';
export * from './top-k';
export * from './protocol';
export * from './sparse-rows';
export * from './mostpop';
export * from './markov';
export * from './itemknn';
export * from './features';
export * from './neural-layers';
export * from './train-loop';
export * from './gru4rec';
export * from './bert4rec';
export * from './hgn';
export * from './fdsa';
