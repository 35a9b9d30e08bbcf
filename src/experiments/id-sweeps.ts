/**
 * `id-sweeps`: the paper's semantic-ID length and codebook-size studies on the downstream tasks — Figure 5 (Beauty
 * recommendation vs ID length 1/2/3 and codebook size 128/256/512), Figure 7 (recommendation vs ID length on Beauty,
 * Sports, Toys) and Figure 8 (Beauty, codebook size on (a) recommendation, (b) product search). The paper sweeps
 * LMIndexer IDs with T5-base; here the IDs are HC on TF-IDF+SVD (`hc.depth` = length, `hc.k` = codebook size, the
 * collision position appended), the model is the small corpus-pretrained T5, and the codebook sizes are scaled to it.
 * Every point is one fine-tuning run of Table 2 (`runTable2Metrics`) or Table 3 (`runTable3Metrics`) started from one
 * initial model per data set; points shared by the figures are run once.
 */
import { describeBackend, initBackend } from '../backend';
import { configHash, type LmiConfig } from '../config';
import type { AmazonSet } from '../data/amazon';
import { loadCorpus } from '../data/loaders';
import { dataDir } from '../data/paths';
import { LmiError } from '../errors';
import { Rng } from '../rng';
import type { FigureSpec } from '../viz/figure';
import { line } from '../viz/plots';
import { axis } from '../viz/style';
import {
  DEFAULT_GENERATIVE_SETTINGS, type GenerativeInit, type GenerativeSettings, hcIds, type IdSource, initialModel, SMOKE_GENERATIVE_SETTINGS,
} from './generative-common';
import type { Experiment, RunOptions } from './registry';
import { runTable2Metrics } from './table2';
import { runTable3Metrics } from './table3';
import type { Cell, ExperimentResult, Table } from './types';

/** Downstream task of a point: next-item recommendation (Table 2) or product search (Table 3). */
export type SweepTask = 'rec' | 'search';

/** One fine-tuning run: data set, task, HC depth (semantic ID positions) and codebook size k. */
export interface SweepPoint {
  dataset: AmazonSet;
  task: SweepTask;
  depth: number;
  k: number;
}

/** What one point measured. `metrics`: rec → recall@5, ndcg@5; search → ndcg@5, map@5. */
export interface PointResult extends SweepPoint {
  metrics: Record<string, number>;
  /** Positions of every ID, collision position included (= depth + 1). */
  idLength: number;
  /** Codebook size per position; the last is the collision position's (largest group sharing a semantic ID). */
  codebookSizes: number[];
  testCases: number;
  /** Wall seconds of the run (IDs, fine-tuning, search, the table's cheap baselines). */
  seconds: number;
  /** This process's CPU seconds for the run (≈ wall seconds on an idle machine; wall grows with load). */
  cpuSeconds: number;
  /** Wall seconds of fine-tuning and of the beam search alone. */
  finetuneSeconds: number;
  searchSeconds: number;
}

/** Sizes of the sweep; every field has a default (smoke in brackets). */
export interface IdSweepOptions extends RunOptions {
  /** Semantic ID lengths (HC depth) of Figures 5(a) and 7. Default [1, 2, 3] ([1, 2]). */
  lengths?: number[];
  /** Codebook sizes of Figures 5(b) and 8 (paper 128/256/512 for T5-base). Default [16, 32, 64] ([8, 16]). */
  sizes?: number[];
  /** Codebook size of the length sweep. Default 32 (16). */
  lengthK?: number;
  /** ID length of the size sweep. Default 2 (2), the HC default. */
  sizeDepth?: number;
  /** Data sets of Figure 7. Default beauty, sports, toys (beauty). */
  datasets?: AmazonSet[];
  /** Figure 8 (b), product search on Beauty. Default true (false). */
  search?: boolean;
  /**
   * Users trained and tested per point (first in file order). Default 200 (smoke 60): one Beauty point with 500 users
   * (9373 examples, 2 epochs) took ~10 CPU min on the shared machine, a smoke point with 100 users ~60 CPU s.
   */
  maxUsers?: number;
  /** Indexing task over every catalogue item (true) or only the chosen users' items. Default false. */
  indexAllItems?: boolean;
  /** Fine-tuning sizes. Default: DEFAULT_GENERATIVE_SETTINGS with 1 pretraining and 2 fine-tuning epochs (smoke: SMOKE_GENERATIVE_SETTINGS, random init). */
  settings?: Partial<GenerativeSettings>;
  /** Recommendation history items. Default 10, Table 2's (smoke 5: half the input tokens). */
  historyItems?: number;
}

/** Options with every default filled in. */
export type ResolvedSweep = Required<Omit<IdSweepOptions, 'smoke' | 'settings' | 'cacheRoot' | 'fresh'>> & { smoke: boolean; settings: GenerativeSettings };

const SET_NAMES: Record<AmazonSet, string> = { beauty: 'Beauty', sports: 'Sports', toys: 'Toys' };

/** Fill in the defaults (smoke: 2 lengths × 2 sizes, Beauty recommendation only, 60 users, random init). */
export function resolveSweep(opts: IdSweepOptions = {}): ResolvedSweep {
  const smoke = Boolean(opts.smoke);
  const r: ResolvedSweep = {
    smoke,
    lengths: opts.lengths ?? (smoke ? [1, 2] : [1, 2, 3]),
    sizes: opts.sizes ?? (smoke ? [8, 16] : [16, 32, 64]),
    lengthK: opts.lengthK ?? (smoke ? 16 : 32),
    sizeDepth: opts.sizeDepth ?? 2,
    datasets: opts.datasets ?? (smoke ? ['beauty'] : ['beauty', 'sports', 'toys']),
    search: opts.search ?? !smoke,
    maxUsers: opts.maxUsers ?? (smoke ? 60 : 200),
    indexAllItems: opts.indexAllItems ?? false,
    historyItems: opts.historyItems ?? (smoke ? 5 : 10),
    settings: { ...(smoke ? { ...SMOKE_GENERATIVE_SETTINGS, pretrainEpochs: 0 } : { ...DEFAULT_GENERATIVE_SETTINGS, pretrainEpochs: 1, epochs: 2 }), ...opts.settings },
  };
  const ints = (name: string, xs: number[], min: number): void => {
    if (xs.length === 0 || xs.some((x) => !Number.isInteger(x) || x < min)) throw new LmiError(`id-sweeps: option "${name}" must be a non-empty list of integers ≥ ${min}, got [${xs.join(', ')}]`);
  };
  ints('lengths', r.lengths, 1);
  ints('sizes', r.sizes, 2);
  ints('lengthK', [r.lengthK], 2);
  ints('sizeDepth', [r.sizeDepth], 1);
  if (r.datasets.length === 0 || r.datasets.some((d) => !(d in SET_NAMES))) throw new LmiError(`id-sweeps: option "datasets" must list beauty, sports or toys, got [${r.datasets.join(', ')}]`);
  return r;
}

/** Cache key of a point. */
export function pointKey(p: SweepPoint): string {
  return `${p.dataset}/${p.task}/depth${p.depth}/k${p.k}`;
}

/** Points of the length sweep on one data set and task (Figures 5(a), 7). */
function lengthPoints(s: ResolvedSweep, dataset: AmazonSet, task: SweepTask): SweepPoint[] {
  return s.lengths.map((depth) => ({ dataset, task, depth, k: s.lengthK }));
}

/** Points of the size sweep on Beauty (Figures 5(b), 8). */
function sizePoints(s: ResolvedSweep, task: SweepTask): SweepPoint[] {
  return s.sizes.map((k) => ({ dataset: 'beauty' as const, task, depth: s.sizeDepth, k }));
}

/** Every distinct point the figures need, grouped by data set (one initial model each), Beauty first. */
export function sweepPoints(s: ResolvedSweep): SweepPoint[] {
  const all = [
    ...lengthPoints(s, 'beauty', 'rec'), ...sizePoints(s, 'rec'), ...(s.search ? sizePoints(s, 'search') : []),
    ...s.datasets.filter((d) => d !== 'beauty').flatMap((d) => lengthPoints(s, d, 'rec')),
  ];
  const seen = new Set<string>();
  return all.filter((p) => !seen.has(pointKey(p)) && seen.add(pointKey(p)));
}

/** Standard error of a hit rate `p` over `n` users (Recall@k with one relevant item is a hit rate). */
export function hitRateStdErr(p: number, n: number): number {
  return n > 0 ? Math.sqrt((p * (1 - p)) / n) : NaN;
}

/** "up", "down" or "flat" pairs of a series, e.g. `.012 → .020 (up) → .018 (down)`. */
export function trendText(values: readonly number[]): string {
  return values.map((v, i) => `${v.toFixed(4)}${i === 0 ? '' : v > values[i - 1] ? ' (up)' : v < values[i - 1] ? ' (down)' : ' (flat)'}`).join(' → ');
}

/** True when a series never decreases (the paper's "increases with length / size"). */
export function nonDecreasing(values: readonly number[]): boolean {
  return values.every((v, i) => i === 0 || v >= values[i - 1]);
}

const METRICS: Record<SweepTask, [string, string]> = { rec: ['recall@5', 'ndcg@5'], search: ['ndcg@5', 'map@5'] };
const LABEL: Record<string, string> = { 'recall@5': 'Recall@5', 'ndcg@5': 'NDCG@5', 'map@5': 'MAP@5' };
const TASK_NAME: Record<SweepTask, string> = { rec: 'recommendation', search: 'product search' };

function get(results: ReadonlyMap<string, PointResult>, p: SweepPoint): PointResult {
  const r = results.get(pointKey(p));
  if (!r) throw new LmiError(`id-sweeps: no result for point ${pointKey(p)}`);
  return r;
}

function row(setting: string, trend: string, r: PointResult): Cell[] {
  const [m1, m2] = METRICS[r.task];
  return [
    setting, trend, `${r.idLength - 1} + 1`, r.codebookSizes.join('/'), r.metrics[m1],
    m1 === 'recall@5' ? hitRateStdErr(r.metrics[m1], r.testCases) : null, r.metrics[m2], r.testCases, r.seconds,
  ];
}

function columns(task: SweepTask): string[] {
  const [m1, m2] = METRICS[task].map((m) => LABEL[m]);
  return ['setting', 'paper trend', 'ID positions (semantic + collision)', 'codebook sizes', `ours ${m1}`, `± s.e.${task === 'rec' ? '' : ' (n/a)'}`, `ours ${m2}`, 'test cases', 'wall seconds'];
}

function trendNote(name: string, xs: readonly number[], rs: readonly PointResult[]): string {
  const [m1, m2] = METRICS[rs[0].task];
  const ys = (m: string): number[] => rs.map((r) => r.metrics[m]);
  return `Ours, ${name} at ${xs.join('/')}: ${LABEL[m1]} ${trendText(ys(m1))} — ${nonDecreasing(ys(m1)) ? 'non-decreasing, as the paper' : 'not monotone'}; ${LABEL[m2]} ${trendText(ys(m2))}.`;
}

const LENGTH_AXIS = 'semantic ID length (positions, excluding the collision position)';
const LENGTH_NOTE = '"ID length" counts the semantic positions (HC depth); every ID also carries the collision position (paper: "a final position ... to distinguish documents"), whose codebook is the largest group sharing a semantic ID — large at length 1.';

/** Tables and figures of the three paper figures from the point results (pure: no training). */
export function sweepOutputs(s: ResolvedSweep, results: ReadonlyMap<string, PointResult>, dataNote: string): { tables: Table[]; figures: FigureSpec[] } {
  const tables: Table[] = [];
  const figures: FigureSpec[] = [];
  const seNote = 'Recall@5 here is a hit rate over the test users (one held-out item each): ± s.e. = √(p(1−p)/n); differences under ~2 s.e. are noise.';
  const scale = `Codebook sizes ${s.sizes.join('/')} stand in for the paper's 128/256/512 (T5-base, LMIndexer IDs): our catalogue and T5 (d=128) are smaller.`;
  const byX = (name: string, x: number[], rs: PointResult[], task: SweepTask, dash: 'solid' | 'dash' = 'solid'): { name: string; x: number[]; y: number[]; dash: typeof dash }[] =>
    METRICS[task].map((m, i) => ({ name: `${name}${LABEL[m]}`, x, y: rs.map((r) => r.metrics[m]), dash: i === 0 ? dash : 'dash' }));

  // Figure 5: Beauty recommendation, (a) length at k = lengthK, (b) size at depth = sizeDepth.
  const lenB = lengthPoints(s, 'beauty', 'rec').map((p) => get(results, p));
  const sizeB = sizePoints(s, 'rec').map((p) => get(results, p));
  tables.push({
    id: 'fig5-id-length-codebook-beauty',
    title: 'Figure 5: semantic ID length & codebook size, Amazon-Beauty recommendation — paper trend beside ours',
    columns: columns('rec'),
    rows: [
      ...lenB.map((r) => row(`length ${r.depth} (k = ${r.k})`, 'increases with length', r)),
      ...sizeB.map((r) => row(`codebook size ${r.k} (length ${r.depth})`, 'increases with codebook size', r)),
    ],
    notes: [dataNote, LENGTH_NOTE, scale, trendNote('length', s.lengths, lenB), trendNote('codebook size', s.sizes, sizeB), seNote, 'Paper: "the model performance increases as the semantic ID length or codebook size increases" (values only in the figure image).'],
  });
  figures.push(line({
    id: 'fig5a-id-length-beauty', title: `Figure 5(a): ID length, Amazon-Beauty recommendation (HC, k = ${s.lengthK})`,
    xTitle: LENGTH_AXIS, yTitle: 'metric on the test users', markers: true,
    series: byX('', s.lengths, lenB, 'rec'), layout: { xaxis: axis(LENGTH_AXIS, { dtick: 1 }) },
    caption: `${LENGTH_NOTE} Paper: performance increases with length (LMIndexer, T5-base).`,
  }));
  figures.push(line({
    id: 'fig5b-codebook-size-beauty', title: `Figure 5(b): codebook size, Amazon-Beauty recommendation (HC, length ${s.sizeDepth})`,
    xTitle: 'codebook size k (log scale)', yTitle: 'metric on the test users', markers: true, logX: true,
    series: byX('', s.sizes, sizeB, 'rec'), caption: `${scale} Paper: performance increases with codebook size.`,
  }));

  // Figure 7: recommendation vs length per data set.
  const lenD = s.datasets.map((d) => ({ d, rs: lengthPoints(s, d, 'rec').map((p) => get(results, p)) }));
  tables.push({
    id: 'fig7-id-length-datasets',
    title: `Figure 7: semantic ID length on recommendation (${s.datasets.map((d) => `Amazon-${SET_NAMES[d]}`).join(', ')}) — paper trend beside ours`,
    columns: columns('rec'),
    rows: lenD.flatMap(({ d, rs }) => rs.map((r) => row(`${SET_NAMES[d]}, length ${r.depth} (k = ${r.k})`, 'increases with length', r))),
    notes: [dataNote, LENGTH_NOTE, ...lenD.map(({ d, rs }) => trendNote(`${SET_NAMES[d]}, length`, s.lengths, rs)), seNote],
  });
  figures.push(line({
    id: 'fig7-id-length-datasets', title: `Figure 7: ID length on recommendation per data set (HC, k = ${s.lengthK})`,
    xTitle: LENGTH_AXIS, yTitle: 'metric on the test users', markers: true,
    series: lenD.flatMap(({ d, rs }) => byX(`${SET_NAMES[d]} `, s.lengths, rs, 'rec')),
    layout: { xaxis: axis(LENGTH_AXIS, { dtick: 1 }) },
    caption: `Solid: Recall@5, dashed: NDCG@5. ${LENGTH_NOTE}`,
  }));

  // Figure 8: Beauty, codebook size on (a) recommendation, (b) product search.
  const tasks: SweepTask[] = s.search ? ['rec', 'search'] : ['rec'];
  const sizeT = tasks.map((task) => ({ task, rs: sizePoints(s, task).map((p) => get(results, p)) }));
  tables.push({
    id: 'fig8-codebook-size-beauty',
    title: `Figure 8: codebook size on Amazon-Beauty, ${tasks.map((t, i) => `(${'ab'[i]}) ${TASK_NAME[t]}`).join(', ')} — paper trend beside ours`,
    columns: ['task', ...columns('rec').slice(0, 4), 'ours Recall@5 (rec) / NDCG@5 (search)', '± s.e. (rec)', 'ours NDCG@5 (rec) / MAP@5 (search)', 'test cases', 'wall seconds'],
    rows: sizeT.flatMap(({ task, rs }) => rs.map((r) => [TASK_NAME[task], ...row(`codebook size ${r.k} (length ${r.depth})`, 'increases with codebook size', r)])),
    notes: [
      dataNote, scale, ...sizeT.map(({ task, rs }) => trendNote(`${TASK_NAME[task]}, codebook size`, s.sizes, rs)), seNote,
      ...(s.search ? ['Product search = Table 3\'s task (category-path queries, Van Gysel/Ai protocol; the paper uses ESCI queries), generative row only.'] : ['Product search (Figure 8 b) not run: option search = false.']),
    ],
  });
  sizeT.forEach(({ task, rs }, i) => figures.push(line({
    id: `fig8${'ab'[i]}-codebook-size-${task}-beauty`, title: `Figure 8(${'ab'[i]}): codebook size, Amazon-Beauty ${TASK_NAME[task]} (HC, length ${s.sizeDepth})`,
    xTitle: 'codebook size k (log scale)', yTitle: 'metric on the test users', markers: true, logX: true,
    series: byX('', s.sizes, rs, task), caption: `${scale} Paper: downstream performance increases with codebook size.`,
  })));
  tables.push(pointsTable(results));
  return { tables, figures };
}

/** Every point run, raw: the IDs it used and its metrics (the figures' data). */
function pointsTable(results: ReadonlyMap<string, PointResult>): Table {
  return {
    id: 'id-sweeps-points',
    title: 'ID sweeps: every point run once (shared by Figures 5, 7, 8)',
    columns: ['data set', 'task', 'HC depth (ID length)', 'k (codebook size)', 'ID positions incl. collision', 'codebook sizes', 'Recall@5 (rec) / NDCG@5 (search)', 'NDCG@5 (rec) / MAP@5 (search)', 'test cases', 'wall seconds', 'CPU seconds', 'fine-tuning s', 'search s'],
    rows: [...results.values()].map((r) => [
      SET_NAMES[r.dataset], r.task, r.depth, r.k, r.idLength, r.codebookSizes.join('/'), ...METRICS[r.task].map((m) => r.metrics[m]), r.testCases, r.seconds, r.cpuSeconds, r.finetuneSeconds, r.searchSeconds,
    ]),
    notes: ['Seconds per point: HC indexing, fine-tuning, beam search and (rec) the Markov/MostPop rows of Table 2; pretraining is once per data set (see the figure tables\' notes).'],
  };
}

function cpuSince(c0: NodeJS.CpuUsage): number {
  const c = process.cpuUsage(c0);
  return (c.user + c.system) / 1e6;
}

/**
 * Run one point from `init` (Table 2 or Table 3 with HC IDs of depth/k); the caller keeps `init`. `idCache` holds the
 * IDs per data set/depth/k, so the rec and search points of one setting index the corpus once.
 */
async function runPoint(cfg: LmiConfig, s: ResolvedSweep, p: SweepPoint, init: GenerativeInit, idCache: Map<string, IdSource>): Promise<PointResult> {
  const t0 = Date.now();
  const cpu0 = process.cpuUsage();
  const pcfg = structuredClone(cfg);
  pcfg.data = { ...pcfg.data, corpus: p.dataset, maxDocs: 0 };
  pcfg.hc = { ...pcfg.hc, k: p.k, depth: p.depth, collisionPosition: true };
  const idKey = `${p.dataset}/depth${p.depth}/k${p.k}`;
  const ids = (corpus: Parameters<typeof hcIds>[1]): IdSource => {
    const cached = idCache.get(idKey) ?? hcIds(pcfg, corpus);
    idCache.set(idKey, cached);
    return cached;
  };
  const common = { settings: s.settings, ids, init, maxUsers: s.maxUsers, indexAllItems: s.indexAllItems };
  let metrics: Record<string, number>;
  let used: IdSource;
  let testCases: number;
  let part: { finetune: number; search: number };
  if (p.task === 'rec') {
    const m = (await runTable2Metrics(pcfg, { ...common, dataset: p.dataset, historyItems: s.historyItems })).metrics;
    if (!m) throw new LmiError(`id-sweeps: ${pointKey(p)} returned no metrics (data folder missing?)`);
    metrics = { 'recall@5': m['recall@5'], 'ndcg@5': m['ndcg@5'] };
    [used, testCases, part] = [m.ids, m.testCases, m.seconds];
  } else {
    if (p.dataset !== 'beauty') throw new LmiError(`id-sweeps: product search runs on beauty only, got ${p.dataset}`);
    const m = (await runTable3Metrics(pcfg, { ...common, baselines: false })).metrics;
    if (!m) throw new LmiError(`id-sweeps: ${pointKey(p)} returned no metrics (data folder missing?)`);
    metrics = { 'ndcg@5': m['ndcg@5'], 'map@5': m['map@5'] };
    [used, testCases, part] = [m.ids, m.testCases, m.seconds];
  }
  return { ...p, metrics, idLength: used.ids[0]?.length ?? 0, codebookSizes: used.codebookSizes, testCases, seconds: (Date.now() - t0) / 1000, cpuSeconds: cpuSince(cpu0), finetuneSeconds: part.finetune, searchSeconds: part.search };
}

/** The sweep: every distinct point once (one initial model per data set), then the Figure 5/7/8 tables and figures. */
export async function runIdSweeps(base: LmiConfig, opts: IdSweepOptions = {}): Promise<ExperimentResult> {
  const t0 = Date.now();
  const info = await initBackend();
  const s = resolveSweep(opts);
  const points = sweepPoints(s);
  const meta = (data: string, seconds: number): ExperimentResult['meta'] => ({
    id: 'id-sweeps', data, configHash: configHash({ base, s }), config: { ...base, sweep: s }, seed: base.seed, backend: describeBackend(info), seconds,
    paper: 'Figure 5 (Beauty rec: ID length 1/2/3, codebook 128/256/512), Figure 7 (ID length on Beauty/Sports/Toys rec), Figure 8 (Beauty codebook size: rec, product search): performance increases with length and size.',
  });
  if (!dataDir()) {
    return { tables: [{ id: 'id-sweeps', title: 'ID sweeps: no data directory', columns: ['note'], rows: [['LMI_DATA_DIR not set and ../shared/data absent: these figures need the Amazon data.']] }], figures: [], meta: meta('none', 0) };
  }
  const results = new Map<string, PointResult>();
  const idCache = new Map<string, IdSource>();
  const pretrain: string[] = [];
  for (const dataset of [...new Set(points.map((p) => p.dataset))]) {
    const cfg = structuredClone(base);
    cfg.data = { ...cfg.data, corpus: dataset, maxDocs: 0 };
    const p0 = Date.now();
    const c0 = process.cpuUsage();
    const init = await initialModel(cfg, loadCorpus(cfg.data, new Rng(cfg.seed).fork()), s.settings);
    pretrain.push(`${SET_NAMES[dataset]} ${((Date.now() - p0) / 1000).toFixed(0)} s wall / ${cpuSince(c0).toFixed(0)} s CPU`);
    try {
      for (const p of points.filter((q) => q.dataset === dataset)) results.set(pointKey(p), await runPoint(base, s, p, init, idCache));
    } finally {
      init.model.dispose();
    }
  }
  const st = s.settings;
  const sum = (f: (r: PointResult) => number): number => [...results.values()].reduce((a, r) => a + f(r), 0);
  const data = `Amazon ${[...new Set(points.map((p) => SET_NAMES[p.dataset]))].join(', ')}: first ${s.maxUsers} users per point (leave-one-out; search: Table 3's category-path queries)`;
  const dataNote = `Data: ${data}. IDs: HC on TF-IDF+SVD (paper: LMIndexer). Model: ${st.pretrainEpochs ? `T5 (d=${base.model.dModel}) after ${st.pretrainEpochs} span-corruption epoch(s) on each corpus` : 'T5, random init'}, one initial model per data set shared by its points; `
    + `fine-tuned ${st.epochs} epochs (batch ${st.batchSize}, lr ${st.learningRate}), indexing task over ${s.indexAllItems ? 'all items' : "the users' items"}, beam ${st.beamSize}; rec history ${s.historyItems} items as ids+text. `
    + `${points.length} points: ${(sum((r) => r.seconds) / 60).toFixed(1)} min wall, ${(sum((r) => r.cpuSeconds) / 60).toFixed(1)} min CPU; pretraining ${pretrain.join(', ')}; whole sweep ${((Date.now() - t0) / 60000).toFixed(1)} min wall (${describeBackend(info)}, 2 CPU cores shared with other work: wall is an upper bound).`;
  const { tables, figures } = sweepOutputs(s, results, dataNote);
  return { tables, figures, meta: meta(data, (Date.now() - t0) / 1000) };
}

export const idSweeps: Experiment = {
  id: 'id-sweeps',
  title: 'Figures 5, 7, 8: semantic ID length and codebook size on recommendation and product search (HC IDs), paper trend beside',
  version: 1,
  run: runIdSweeps,
};
