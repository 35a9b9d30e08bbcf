/** Evaluation metrics: clustering agreement (AMI, NMI, ARI), ranking (Recall/NDCG/MAP/MRR@k), semantic-ID stats. */
export * from './contingency';
export * from './log-gamma';
export * from './information';
export * from './ami';
export * from './rand';
export * from './ranking';
export * from './id-stats';
