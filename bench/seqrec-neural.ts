/**
 * Neural sequential recommenders of Table 2 (GRU4Rec, BERT4Rec, HGN, FDSA) on the real leave-one-out splits, full
 * ranking over all items, beside the paper's values and the MostPop / Markov sanity baselines.
 *
 * Protocol (S3Rec / RecBole convention): fit on the validation split's training sequences (each user's sequence minus
 * its last two items), early-stop on validation NDCG@10 of the first 2,000 validation users, then rank for the test
 * cases (history = sequence minus its last item). Each model has a wall-clock training budget (default 300 s).
 * Usage: npx tsx bench/seqrec-neural.ts [beauty|sports|toys] [--models hgn,gru4rec,fdsa,bert4rec,hgn-ce,hgn-bce] [--budget 300]
 *   [--opts '{"maskProb":0.6}'] [--train '{"learningRate":1e-3}'] [--tag run-name]
 * `--opts` / `--train` override the model / training options of every model run; `--tag` keeps the run as its own
 * row ("BERT4Rec [tag]") instead of replacing the model's default row.
 * Results are merged into bench/results/seqrec-neural.json (keyed by data set and model).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { initBackend, describeBackend } from '../src/backend';
import { loadInteractions } from '../src/data/loaders';
import { writeFileAtomic } from '../src/atomic-write';
import { evaluateSeqRec, seqRecData, type SeqEvalResult, type SeqRecommender } from '../src/baselines/seqrec/protocol';
import { MostPop } from '../src/baselines/seqrec/mostpop';
import { Markov } from '../src/baselines/seqrec/markov';
import { GRU4Rec } from '../src/baselines/seqrec/gru4rec';
import { BERT4Rec } from '../src/baselines/seqrec/bert4rec';
import { HGN } from '../src/baselines/seqrec/hgn';
import { FDSA } from '../src/baselines/seqrec/fdsa';
import { loadItemFeatures } from '../src/baselines/seqrec/features';
import type { NeuralSeqRec, NeuralTrainOptions } from '../src/baselines/seqrec/train-loop';

type SetName = 'beauty' | 'sports' | 'toys';
/** Table 2 of the paper: Recall@5, NDCG@5 (no @10 reported). */
const PAPER: Record<string, Record<SetName, [number, number]>> = {
  HGN: { beauty: [0.0325, 0.0206], sports: [0.0189, 0.012], toys: [0.0321, 0.0221] },
  GRU4Rec: { beauty: [0.0164, 0.0099], sports: [0.0129, 0.0086], toys: [0.0097, 0.0059] },
  BERT4Rec: { beauty: [0.0203, 0.0124], sports: [0.0115, 0.0075], toys: [0.0116, 0.0071] },
  FDSA: { beauty: [0.0267, 0.0163], sports: [0.0182, 0.0122], toys: [0.0228, 0.014] },
  LMIndexer: { beauty: [0.0415, 0.0262], sports: [0.0222, 0.0142], toys: [0.0404, 0.0268] },
};

const args = process.argv.slice(2);
const opt = (name: string, def: string): string => (args.includes(name) ? args[args.indexOf(name) + 1] : def);
const set = (args.find((a) => !a.startsWith('--') && !args[args.indexOf(a) - 1]?.startsWith('--')) ?? 'beauty') as SetName;
const models = opt('--models', 'hgn,gru4rec,fdsa,bert4rec').split(',');
const budget = Number(opt('--budget', '300'));
const json = (name: string): Record<string, unknown> => {
  try {
    return JSON.parse(opt(name, '{}')) as Record<string, unknown>;
  } catch (e) {
    throw new Error(`bench/seqrec-neural.ts: ${name} must be a JSON object: ${(e as Error).message}`);
  }
};
const modelOpts = json('--opts');
const trainOpts = json('--train');
const tag = opt('--tag', '');
const out = path.join(__dirname, 'results', 'seqrec-neural.json');

interface Row { data: string; model: string; recall5: number; ndcg5: number; recall10: number; ndcg10: number; excl: { recall5: number; ndcg5: number }; fitSeconds: number; evalSeconds: number; fitCpuSeconds?: number; loadavg?: number; epochs?: unknown; paper?: [number, number]; options?: unknown }

(async () => {
  const info = await initBackend();
  const inter = loadInteractions(set);
  const test = seqRecData(inter, 'test');
  const val = seqRecData(inter, 'validation');
  const rows: Row[] = fs.existsSync(out) ? (JSON.parse(fs.readFileSync(out, 'utf8')).rows as Row[]) : [];
  const put = (r: Row): void => {
    const i = rows.findIndex((x) => x.data === r.data && x.model === r.model);
    if (i >= 0) rows[i] = r; else rows.push(r);
    writeFileAtomic(out, JSON.stringify({ backend: describeBackend(info), protocol: 'fit on validation-split train, early stop on val NDCG@10 (2000 users), test = last item, full ranking over all items, pessimistic ties', rows }, null, 1) + '\n');
  };
  const row = (r: SeqEvalResult, extra: Partial<Row>): Row => {
    const a = r.rows.find((x) => x.candidates === 'all')!.metrics;
    const e = r.rows.find((x) => x.candidates === 'excludeHistory')!.metrics;
    return { data: set, model: r.model, recall5: a['recall@5'], ndcg5: a['ndcg@5'], recall10: a['recall@10'], ndcg10: a['ndcg@10'], excl: { recall5: e['recall@5'], ndcg5: e['ndcg@5'] }, fitSeconds: r.fitSeconds, evalSeconds: r.evalSeconds, paper: PAPER[r.model.replace(/ \(.*\)$/, '')]?.[set], ...extra };
  };
  for (const m of [new MostPop(), new Markov()] as SeqRecommender[]) put(row(evaluateSeqRec(m, test), {}));
  const train: Partial<NeuralTrainOptions> = { timeBudgetSeconds: budget, validation: val.cases, log: (l) => console.error(l) };
  const t = (o: Partial<NeuralTrainOptions>): Partial<NeuralTrainOptions> => ({ ...train, ...o, ...trainOpts });
  const make: Record<string, () => NeuralSeqRec<unknown>> = {
    gru4rec: () => new GRU4Rec({ ...modelOpts }, t({ learningRate: 3e-3, batchSize: 128 })) as NeuralSeqRec<unknown>,
    bert4rec: () => new BERT4Rec({ maskProb: 0.3, ...modelOpts }, t({ learningRate: 2e-3, epochs: 200, patience: 100 })) as NeuralSeqRec<unknown>,
    hgn: () => new HGN({ ...modelOpts }, t({ learningRate: 1e-3, batchSize: 1024 })) as NeuralSeqRec<unknown>,
    'hgn-ce': () => new HGN({ loss: 'ce', ...modelOpts }, t({ learningRate: 1e-3, batchSize: 1024 })) as NeuralSeqRec<unknown>,
    'hgn-bce': () => new HGN({ loss: 'bce', l2: 0, ...modelOpts }, t({ learningRate: 1e-3, batchSize: 1024 })) as NeuralSeqRec<unknown>,
    fdsa: () => new FDSA(loadItemFeatures(set, test.items), { ...modelOpts }, t({ learningRate: 2e-3, batchSize: 128 })) as NeuralSeqRec<unknown>,
  };
  for (const name of models) {
    const model = make[name]?.();
    if (!model) throw new Error(`unknown model ${name}; use ${Object.keys(make).join(',')}`);
    const t0 = performance.now();
    const cpu0 = process.cpuUsage();
    model.fit(val.train, test.items.length);
    const fitSeconds = (performance.now() - t0) / 1000;
    const cpu = process.cpuUsage(cpu0);
    const fitCpuSeconds = (cpu.user + cpu.system) / 1e6; // this process's CPU time: the wall budget is shared with other jobs
    const loadavg = os.loadavg()[0];
    model.precompute(test.cases.map((c) => c.history));
    const frozen: SeqRecommender = { name: model.name, fit: () => {}, scoreAll: (h) => model.scoreAll(h) };
    const r = evaluateSeqRec(frozen, test);
    put(row(r, { ...(tag ? { model: `${model.name} [${tag}]` } : {}), fitSeconds, fitCpuSeconds, loadavg, epochs: model.epochs, options: { ...(model as unknown as { options: object }).options, ...model.train, validation: undefined, log: undefined } }));
    model.dispose();
  }
  const f = (x: number | undefined): string => (x === undefined ? '—' : x.toFixed(4));
  console.log(`| data | model | R@5 | N@5 | R@10 | N@10 | paper R@5 | paper N@5 | R@5 excl. hist | fit s |`);
  console.log('|---|---|---|---|---|---|---|---|---|---|');
  for (const r of rows.filter((x) => x.data === set)) console.log(`| ${r.data} | ${r.model} | ${f(r.recall5)} | ${f(r.ndcg5)} | ${f(r.recall10)} | ${f(r.ndcg10)} | ${f(r.paper?.[0])} | ${f(r.paper?.[1])} | ${f(r.excl.recall5)} | ${r.fitSeconds.toFixed(0)} |`);
})();
