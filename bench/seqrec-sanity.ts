/**
 * Sanity baselines of Table 2 (MostPop, first-order Markov, ItemKNN) on the real leave-one-out splits, full ranking
 * over all items, both candidate conventions × pessimistic / seeded-random ties. Usage:
 *   npx tsx bench/seqrec-sanity.ts [beauty sports toys scientific] [--split validation]
 */
import { loadInteractions, type InteractionsName } from '../src/data/loaders';
import { evaluateSeqRec, seqRecData, type Convention, type SeqRecommender, type SeqSplitName } from '../src/baselines/seqrec/protocol';
import { MostPop } from '../src/baselines/seqrec/mostpop';
import { Markov } from '../src/baselines/seqrec/markov';
import { ItemKNN } from '../src/baselines/seqrec/itemknn';

const args = process.argv.slice(2);
const splitAt = args.indexOf('--split');
const split = (splitAt >= 0 ? args[splitAt + 1] : 'test') as SeqSplitName;
const sets = args.filter((a, i) => !a.startsWith('--') && (splitAt < 0 || i !== splitAt + 1)) as InteractionsName[];
const names: InteractionsName[] = sets.length > 0 ? sets : ['beauty'];
const conventions: Convention[] = [];
for (const candidates of ['all', 'excludeHistory'] as const) for (const ties of ['pessimistic', 'random'] as const) conventions.push({ candidates, ties });

const f = (x: number): string => x.toFixed(4);
console.log('| data | model | candidates | ties | R@5 | N@5 | R@10 | N@10 | R@20 | N@20 | fit s | eval s |');
console.log('|---|---|---|---|---|---|---|---|---|---|---|---|');
for (const name of names) {
  const data = seqRecData(loadInteractions(name), split);
  const models: SeqRecommender[] = [new MostPop(), new Markov(), new Markov({ popularityTieBreak: true }), new ItemKNN(), new ItemKNN({ historyWindow: 1 })];
  for (const m of models) {
    const r = evaluateSeqRec(m, data, { conventions });
    for (const row of r.rows) {
      const x = row.metrics;
      console.log(`| ${name} (${r.users}u/${r.items}i, ${split}) | ${r.model} | ${row.candidates} | ${row.ties} | ${f(x['recall@5'])} | ${f(x['ndcg@5'])} | ${f(x['recall@10'])} | ${f(x['ndcg@10'])} | ${f(x['recall@20'])} | ${f(x['ndcg@20'])} | ${r.fitSeconds.toFixed(1)} | ${r.evalSeconds.toFixed(1)} |`);
    }
  }
}
