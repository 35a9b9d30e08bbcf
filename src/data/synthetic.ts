/**
 * The embedded default corpus: documents drawn from a known topic hierarchy, so ID quality (AMI) has ground truth
 * without any file. Every node of the topic tree (`t3`, `t3.1`, `t3.1.2`, …) owns a vocabulary of pronounceable
 * pseudo-words; a document picks a leaf and draws each word either from a shared Zipf-distributed background
 * vocabulary (probability `backgroundRate`) or from one node on the path of its leaf (or, with a per-document share, of a second random leaf), coarser levels more often — so the
 * top level is recoverable but noisy and deeper levels are harder.
 */
import type { SyntheticConfig } from '../config';
import { LmiError } from '../errors';
import type { Rng } from '../rng';
import type { Corpus, Doc } from './types';

/** Extra knobs beyond `SyntheticConfig` (candidates for config.ts). */
export interface SyntheticOptions {
  /** Relative weight of each tree level when a word is a topic word; default `L, L-1, …, 1` (top most often). */
  levelWeights?: number[];
  /**
   * Upper bound of the share of topic words a document takes from a second, random leaf: each document draws its
   * share uniformly in [0, secondaryShare] (default 0.45). This is what makes labels noisy: a document near the bound
   * reads almost as much like its second topic as like its labelled one.
   */
  secondaryShare: number;
  /** Zipf exponent of word frequencies inside every vocabulary (default 1). */
  zipfExponent: number;
}

/** Defaults for {@link SyntheticOptions}. */
export const SYNTHETIC_DEFAULTS: SyntheticOptions = { secondaryShare: 0.45, zipfExponent: 1 };

const ONSETS = ['b', 'd', 'f', 'g', 'k', 'l', 'm', 'n', 'p', 'r', 's', 't', 'v', 'z', 'br', 'dr', 'gl', 'kr', 'pl', 'st', 'tr', 'sh', 'ch'];
const VOWELS = ['a', 'e', 'i', 'o', 'u', 'ai', 'ou'];
const CODAS = ['', '', '', 'n', 'r', 'l', 's', 'm'];

/** A pronounceable made-up word of 2–3 syllables. */
function pseudoWord(rng: Rng): string {
  const syllables = 2 + rng.int(2);
  let w = '';
  for (let s = 0; s < syllables; s++) {
    w += ONSETS[rng.int(ONSETS.length)] + VOWELS[rng.int(VOWELS.length)];
    if (s === syllables - 1) w += CODAS[rng.int(CODAS.length)];
  }
  return w;
}

/** `n` fresh words, distinct from every word in `taken` (which is extended). */
function vocabulary(n: number, rng: Rng, taken: Set<string>): string[] {
  const out: string[] = [];
  while (out.length < n) {
    const w = pseudoWord(rng);
    if (!taken.has(w)) {
      taken.add(w);
      out.push(w);
    }
  }
  return out;
}

/** Cumulative Zipf weights 1/(r+1)^s, normalised to end at 1. */
function zipfCdf(n: number, s: number): Float64Array {
  const c = new Float64Array(n);
  let acc = 0;
  for (let r = 0; r < n; r++) c[r] = acc += 1 / Math.pow(r + 1, s);
  for (let r = 0; r < n; r++) c[r] /= acc;
  return c;
}

/** Index drawn from a cumulative distribution by binary search. */
function drawCdf(cdf: Float64Array, rng: Rng): number {
  const u = rng.next();
  let lo = 0;
  let hi = cdf.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (cdf[mid] > u) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/** One node of the topic tree. */
interface TopicNode {
  /** `t3.1.2`. */
  label: string;
  /** Human-readable name (capitalised first pseudo-word). */
  name: string;
  words: string[];
}

/** Check the config fields this generator relies on, naming the bad field. */
function checkSynthetic(cfg: SyntheticConfig, opts: SyntheticOptions): void {
  const bad = (field: string, msg: string): never => {
    throw new LmiError(`config: field "data.synthetic.${field}" ${msg}`);
  };
  if (!Number.isInteger(cfg.numDocs) || cfg.numDocs < 1) bad('numDocs', `must be an integer ≥ 1, got ${cfg.numDocs}`);
  if (!Array.isArray(cfg.branching) || cfg.branching.length < 1 || !cfg.branching.every((b) => Number.isInteger(b) && b >= 2)) {
    bad('branching', `must be a non-empty list of integers ≥ 2, got ${JSON.stringify(cfg.branching)}`);
  }
  if (!Number.isInteger(cfg.minWords) || cfg.minWords < 1) bad('minWords', `must be an integer ≥ 1, got ${cfg.minWords}`);
  if (!Number.isInteger(cfg.maxWords) || cfg.maxWords < cfg.minWords) bad('maxWords', `must be an integer ≥ minWords (${cfg.minWords}), got ${cfg.maxWords}`);
  if (!Number.isInteger(cfg.wordsPerTopic) || cfg.wordsPerTopic < 1) bad('wordsPerTopic', `must be an integer ≥ 1, got ${cfg.wordsPerTopic}`);
  if (!Number.isInteger(cfg.backgroundWords) || cfg.backgroundWords < 1) bad('backgroundWords', `must be an integer ≥ 1, got ${cfg.backgroundWords}`);
  if (!(cfg.backgroundRate >= 0 && cfg.backgroundRate < 1)) bad('backgroundRate', `must be in [0, 1), got ${cfg.backgroundRate}`);
  if (!(opts.secondaryShare >= 0 && opts.secondaryShare <= 1)) bad('secondaryShare', `must be in [0, 1], got ${opts.secondaryShare}`);
  const lw = opts.levelWeights;
  if (lw && (lw.length !== cfg.branching.length || !lw.every((w) => w >= 0) || !lw.some((w) => w > 0))) {
    bad('levelWeights', `must have ${cfg.branching.length} non-negative weights, not all zero, got ${JSON.stringify(lw)}`);
  }
}

/**
 * Generate the synthetic hierarchical corpus. Deterministic for the rng's seed: the vocabulary and the documents
 * use separate forks, so changing `numDocs` keeps the vocabulary. Labels `level1..levelL` (coarsest first) hold the
 * node labels on the document's path; `meta.topic` holds readable names (`Kamor > Belu > Tisa`).
 */
export function syntheticCorpus(cfg: SyntheticConfig, rng: Rng, options: Partial<SyntheticOptions> = {}): Corpus {
  const opts: SyntheticOptions = { ...SYNTHETIC_DEFAULTS, ...options };
  checkSynthetic(cfg, opts);
  const L = cfg.branching.length;
  const vocabRng = rng.fork();
  const docRng = rng.fork();

  // Topic tree, level by level; node index within a level encodes its path (mixed radix).
  const taken = new Set<string>();
  const background = vocabulary(cfg.backgroundWords, vocabRng, taken);
  const levels: TopicNode[][] = [];
  let parents: string[] = [''];
  for (let l = 0; l < L; l++) {
    const nodes: TopicNode[] = [];
    for (const parent of parents) {
      for (let b = 1; b <= cfg.branching[l]; b++) {
        const words = vocabulary(cfg.wordsPerTopic, vocabRng, taken);
        nodes.push({ label: parent ? `${parent}.${b}` : `t${b}`, name: words[0][0].toUpperCase() + words[0].slice(1), words });
      }
    }
    levels.push(nodes);
    parents = nodes.map((n) => n.label);
  }
  const leaves = levels[L - 1].length;
  // divisor to go from a leaf index to its ancestor index at level l
  const div: number[] = new Array<number>(L);
  div[L - 1] = 1;
  for (let l = L - 2; l >= 0; l--) div[l] = div[l + 1] * cfg.branching[l + 1];

  const bgCdf = zipfCdf(background.length, opts.zipfExponent);
  const topicCdf = zipfCdf(cfg.wordsPerTopic, opts.zipfExponent);
  const lw = opts.levelWeights ?? Array.from({ length: L }, (_, l) => L - l);
  const levelCdf = new Float64Array(L);
  let acc = 0;
  const total = lw.reduce((a, b) => a + b, 0);
  for (let l = 0; l < L; l++) levelCdf[l] = acc += lw[l] / total;

  const docs: Doc[] = new Array<Doc>(cfg.numDocs);
  const span = cfg.maxWords - cfg.minWords + 1;
  for (let i = 0; i < cfg.numDocs; i++) {
    const leaf = docRng.int(leaves);
    const len = cfg.minWords + docRng.int(span);
    const second = docRng.int(leaves);
    const share = docRng.next() * opts.secondaryShare;
    const words: string[] = new Array<string>(len);
    for (let w = 0; w < len; w++) {
      if (docRng.next() < cfg.backgroundRate) {
        words[w] = background[drawCdf(bgCdf, docRng)];
        continue;
      }
      const src = docRng.next() < share ? second : leaf;
      const l = drawCdf(levelCdf, docRng);
      words[w] = levels[l][Math.floor(src / div[l])].words[drawCdf(topicCdf, docRng)];
    }
    const labels: Record<string, string> = {};
    const names: string[] = [];
    for (let l = 0; l < L; l++) {
      const node = levels[l][Math.floor(leaf / div[l])];
      labels[`level${l + 1}`] = node.label;
      names.push(node.name);
    }
    docs[i] = { id: String(i), text: words.join(' '), labels, meta: { topic: names.join(' > ') } };
  }
  return {
    name: 'synthetic',
    source: `synthetic(numDocs=${cfg.numDocs}, branching=${cfg.branching.join('x')}, words=${cfg.minWords}-${cfg.maxWords}, wordsPerTopic=${cfg.wordsPerTopic}, backgroundWords=${cfg.backgroundWords}, backgroundRate=${cfg.backgroundRate}, secondaryShare=${opts.secondaryShare})`,
    docs,
    labelKeys: Array.from({ length: L }, (_, l) => `level${l + 1}`),
  };
}
