/**
 * `make bench`: run the benchmarks one after another (each in its own process, so timings do not share a heap),
 * then print one Markdown table of the headline figures and write bench/results/summary.{json,md}.
 *   npx tsx bench/run.ts [--only kmeans,beam-search,train-throughput] [--quick]
 * Each bench writes its own detailed JSON under bench/results/. Timings on a shared 2-core machine are noisy:
 * compare figures from the same run (ours vs the peer in the same process tree).
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

interface Row { bench: string; metric: string; ours: string; peer: string; ratio: string; target: string }
interface Bench { name: string; args: (quick: boolean) => string[]; rows: (json: any) => Row[] }

const fmt = (x: number, d = 2): string => (Number.isFinite(x) ? x.toFixed(d) : '–');

const BENCHES: Bench[] = [
  {
    name: 'kmeans',
    args: (quick) => (quick ? ['--quick'] : []),
    rows: (j) => [{
      bench: 'kmeans', metric: `s for ${j.data.n}×${j.data.dim}, k=${j.data.k}, ${j.data.iters} iters`,
      ours: fmt(j.ours.seconds), peer: `ml-kmeans ${fmt(j.mlKmeans?.seconds)}`, ratio: `${fmt(j.speedup, 1)}× faster`, target: '≈ 2–3 s',
    }],
  },
  {
    name: 'beam-search',
    args: (quick) => (quick ? ['--queries', '32', '--reps', '2'] : []),
    rows: (j) => j.rows.filter((r: any) => r.what === 'beam search' && r.selection === 'sparse').map((r: any) => ({
      bench: 'beam-search', metric: `ms/query, beam ${j.meta.setup.beamSize}, ${j.meta.setup.positions}×${j.meta.setup.codebookSize}, batch ${r.batch}`,
      ours: fmt(r.msPerQuery), peer: '–', ratio: '–', target: '≤ 20 ms',
    })),
  },
  {
    name: 'train-throughput',
    args: (quick) => (quick ? ['--steps', '2', '--warmup', '1'] : []),
    rows: (j) => {
      const best = Math.max(...(j.pytorch ?? []).map((p: any) => p.tokens_per_s));
      return [
        { bench: 'train-throughput', metric: 'wasm matmul peak (GFLOPS, 1024³)', ours: fmt(j.matmul_peak_gflops, 1), peer: '–', ratio: '–', target: '–' },
        { bench: 'train-throughput', metric: 'small T5 step: effective GFLOPS', ours: fmt(j.tfjs.effective_gflops, 1), peer: '–', ratio: `${fmt(100 * j.ratios.effective_over_peak, 0)}% of peak`, target: '≥ 50% of peak' },
        { bench: 'train-throughput', metric: 'small T5 step: tokens/s', ours: fmt(j.tfjs.tokens_per_s, 0), peer: `PyTorch CPU ${fmt(best, 0)}`, ratio: fmt(j.ratios.tokens_per_s_over_best_pytorch), target: '≥ 0.25' },
      ];
    },
  },
];

function main(): void {
  const argv = process.argv.slice(2);
  const quick = argv.includes('--quick');
  const onlyIdx = argv.indexOf('--only');
  const only = onlyIdx >= 0 ? argv[onlyIdx + 1].split(',') : undefined;
  const resultsDir = path.join(__dirname, 'results');
  fs.mkdirSync(resultsDir, { recursive: true });
  const tsx = path.join(__dirname, '..', 'node_modules', '.bin', 'tsx');
  const rows: Row[] = [];
  const failed: string[] = [];
  for (const b of BENCHES.filter((x) => !only || only.includes(x.name))) {
    process.stderr.write(`[bench] ${b.name} …\n`);
    const t0 = Date.now();
    const r = spawnSync(tsx, [path.join(__dirname, `${b.name}.ts`), ...b.args(quick)], { stdio: ['ignore', 'inherit', 'inherit'] });
    const file = path.join(resultsDir, `${b.name}.json`);
    if (r.status !== 0 || !fs.existsSync(file)) {
      failed.push(b.name);
      rows.push({ bench: b.name, metric: 'FAILED', ours: '–', peer: '–', ratio: '–', target: '–' });
      continue;
    }
    rows.push(...b.rows(JSON.parse(fs.readFileSync(file, 'utf8'))));
    process.stderr.write(`[bench] ${b.name} done in ${((Date.now() - t0) / 1000).toFixed(0)} s\n`);
  }
  const head = ['bench', 'metric', 'ours', 'peer', 'ratio', 'target'];
  const md = [
    `| ${head.join(' | ')} |`,
    `|${head.map(() => '---').join('|')}|`,
    ...rows.map((r) => `| ${head.map((h) => r[h as keyof Row]).join(' | ')} |`),
  ].join('\n');
  process.stdout.write(`\n${md}\n`);
  fs.writeFileSync(path.join(resultsDir, 'summary.md'), `${md}\n`);
  fs.writeFileSync(path.join(resultsDir, 'summary.json'), JSON.stringify({ date: new Date().toISOString(), quick, rows }, null, 2) + '\n');
  if (failed.length) {
    process.stderr.write(`[bench] failed: ${failed.join(', ')}\n`);
    process.exit(1);
  }
}

main();
