/**
 * `make bench`: run the benchmarks one after another (each in its own process, so timings do not share a heap),
 * then print one Markdown table of the headline figures and write bench/results/summary.{json,md}.
 *   npx tsx bench/run.ts [--only kmeans,beam-search,kernels,train-throughput,parallel,parallel-inference,scaling] [--quick]
 * Each bench writes its own detailed JSON under bench/results/, and runs under the bench/rss.ts preload, which
 * writes its peak RSS and live tensors at exit to bench/results/<name>.rss.json (one summary row per bench).
 * Timings on a shared 2-core machine are noisy: compare figures from the same run (ours vs the peer in the same
 * process tree); the summary records the load average before and after.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
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
      ours: fmt(r.msPerQuery),
      peer: j.meta.peer?.msPerQuery ? `GENRE-style PyTorch ${fmt(j.meta.peer.msPerQuery[r.batch])} (top-1 agree ${j.meta.peer.agreement[r.batch]})` : '–',
      ratio: j.meta.peer?.msPerQuery ? `${fmt(r.msPerQuery / j.meta.peer.msPerQuery[r.batch])}× the reference's time` : '–',
      target: '≤ 20 ms',
    })),
  },
  {
    name: 'kernels',
    args: (quick) => (quick ? ['--reps', '2'] : []),
    rows: (j) => (j.rows ?? []).filter((r: any) => r.what !== 'x·W').map((r: any) => ({
      bench: 'kernels', metric: `ms, ${r.what} ${r.shape}`, ours: fmt(r.kernels_ms), peer: `tfjs' own ${fmt(r.tfjs_ms)}`,
      ratio: `${fmt(r.tfjs_ms / r.kernels_ms)}× faster`, target: '–',
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
  {
    name: 'parallel',
    args: (quick) => (quick ? ['--steps', '2', '--warmup', '1'] : []),
    rows: (j) => {
      const tps = (n: number): number => j.tfjs.find((r: any) => r.replicas === n)?.tokens_per_s ?? NaN;
      const best = Math.max(...(j.pytorch ?? []).map((p: any) => p.tokens_per_s));
      const bestPeer = (j.pytorch ?? []).find((p: any) => p.tokens_per_s === best);
      return [
        { bench: 'parallel', metric: 'small T5 step: tokens/s, 1 → 2 replicas', ours: `${fmt(tps(1), 0)} → ${fmt(tps(2), 0)}`, peer: '–', ratio: `${fmt(j.ratios.speedup_over_1['2'])}× speed-up`, target: '≥ 1.7×' },
        { bench: 'parallel', metric: 'best tfjs tokens/s vs best PyTorch CPU', ours: fmt(Math.max(tps(1), tps(2)), 0), peer: bestPeer ? `PyTorch ${bestPeer.threads} thr ${fmt(best, 0)}` : '–', ratio: fmt(j.ratios.best_over_best_pytorch ?? NaN), target: '≥ 1.0' },
      ];
    },
  },
  {
    name: 'parallel-inference',
    args: (quick) => (quick ? ['--docs', '600', '--queries', '64', '--reps', '1'] : []),
    rows: (j) => {
      const at = (rows: any[], n: number, key: string): number => rows.find((r: any) => r.threads === n)?.[key] ?? NaN;
      return [
        { bench: 'parallel-inference', metric: `LMIndexer indexing docs/s (${j.meta.docs} docs), 1 → 2 threads`, ours: `${fmt(at(j.indexing, 1, 'docs_per_s'), 0)} → ${fmt(at(j.indexing, 2, 'docs_per_s'), 0)}`, peer: '–', ratio: `${fmt(j.ratios.indexing_speedup['2'])}× speed-up`, target: '≥ 1.7×' },
        { bench: 'parallel-inference', metric: `beam 20 queries/s (${j.meta.queries} queries), 1 → 2 threads`, ours: `${fmt(at(j.search, 1, 'queries_per_s'), 1)} → ${fmt(at(j.search, 2, 'queries_per_s'), 1)}`, peer: '–', ratio: `${fmt(j.ratios.search_speedup['2'])}× speed-up`, target: '≥ 1.7×' },
      ];
    },
  },
  {
    name: 'scaling',
    args: (quick) => (quick ? ['--reps', '2', '--queries', '16'] : []),
    rows: (j) => {
      const join = (xs: number[], d: number): string => xs.map((x) => fmt(x, d)).join(' / ');
      const big = j.indexing.at(-1);
      return [
        { bench: 'scaling', metric: `index s (TF-IDF + HC) at ${j.indexing.map((r: any) => r.docs).join('/')} docs`, ours: join(j.indexing.map((r: any) => r.seconds), 2), peer: '–', ratio: '–', target: '≈ linear' },
        { bench: 'scaling', metric: `indexing docs/s at ${big.docs} docs`, ours: fmt(big.docs_per_s, 0), peer: '–', ratio: '–', target: '–' },
        { bench: 'scaling', metric: `beam 20 ms/query at codebook ${j.beam_vs_codebook.map((r: any) => r.codebook_size).join('/')}`, ours: join(j.beam_vs_codebook.map((r: any) => r.ms_per_query), 2), peer: '–', ratio: '–', target: '≤ 20 ms' },
        { bench: 'scaling', metric: `codebook 256 ms/query at beam ${j.beam_vs_width.map((r: any) => r.beam).join('/')}`, ours: join(j.beam_vs_width.map((r: any) => r.ms_per_query), 2), peer: '–', ratio: '–', target: '≤ 20 ms at 20' },
      ];
    },
  },
];

/** The row bench/rss.ts's output gives: peak RSS of the bench process (threads included, children not) and live tensors. */
function rssRow(name: string, file: string, wallS: number): Row {
  const r = fs.existsSync(file) ? JSON.parse(fs.readFileSync(file, 'utf8')) : undefined;
  return {
    bench: name, metric: 'peak RSS MB / live tensors at exit / wall s',
    ours: r ? `${fmt(r.max_rss_mb, 0)} / ${r.live_tensors ?? '–'} / ${fmt(wallS, 0)}` : `– / – / ${fmt(wallS, 0)}`, peer: '–', ratio: '–', target: '–',
  };
}

function main(): void {
  const argv = process.argv.slice(2);
  const quick = argv.includes('--quick');
  const onlyIdx = argv.indexOf('--only');
  const only = onlyIdx >= 0 ? argv[onlyIdx + 1].split(',') : undefined;
  const resultsDir = path.join(__dirname, 'results');
  fs.mkdirSync(resultsDir, { recursive: true });
  const rows: Row[] = [];
  const failed: string[] = [];
  const start = Date.now();
  const loadBefore = os.loadavg();
  for (const b of BENCHES.filter((x) => !only || only.includes(x.name))) {
    process.stderr.write(`[bench] ${b.name} …\n`);
    const t0 = Date.now();
    const file = path.join(resultsDir, `${b.name}.json`);
    const rssFile = path.join(resultsDir, `${b.name}.rss.json`);
    fs.rmSync(file, { force: true }); // a failed run must not report the previous run's numbers
    fs.rmSync(rssFile, { force: true });
    const r = spawnSync(process.execPath, ['--import', 'tsx', '--import', path.join(__dirname, 'rss.ts'), path.join(__dirname, `${b.name}.ts`), ...b.args(quick)], {
      stdio: ['ignore', 'inherit', 'inherit'], cwd: path.join(__dirname, '..'), env: { ...process.env, LMI_BENCH_RSS: rssFile },
    });
    const wallS = (Date.now() - t0) / 1000;
    if (r.status !== 0 || !fs.existsSync(file)) {
      failed.push(b.name);
      rows.push({ bench: b.name, metric: 'FAILED', ours: '–', peer: '–', ratio: '–', target: '–' });
    } else {
      rows.push(...b.rows(JSON.parse(fs.readFileSync(file, 'utf8'))));
    }
    rows.push(rssRow(b.name, rssFile, wallS));
    process.stderr.write(`[bench] ${b.name} done in ${wallS.toFixed(0)} s\n`);
  }
  const totalS = (Date.now() - start) / 1000;
  const loadAfter = os.loadavg();
  const host = `${os.cpus().length}× ${os.cpus()[0]?.model ?? '?'}`;
  const load = (l: number[]): string => l.map((x) => x.toFixed(2)).join(' ');
  const head = ['bench', 'metric', 'ours', 'peer', 'ratio', 'target'];
  const md = [
    `| ${head.join(' | ')} |`,
    `|${head.map(() => '---').join('|')}|`,
    ...rows.map((r) => `| ${head.map((h) => r[h as keyof Row]).join(' | ')} |`),
  ].join('\n');
  const note = `${new Date().toISOString()}${quick ? ' (--quick)' : ''}, ${host}, total ${totalS.toFixed(0)} s, load average ${load(loadBefore)} before, ${load(loadAfter)} after`;
  process.stdout.write(`\n${md}\n\n${note}\n`);
  fs.writeFileSync(path.join(resultsDir, 'summary.md'), `${md}\n\n${note}\n`);
  const summary = { date: new Date().toISOString(), quick, host, total_s: totalS, load_before: loadBefore, load_after: loadAfter, rows };
  fs.writeFileSync(path.join(resultsDir, 'summary.json'), JSON.stringify(summary, null, 2) + '\n');
  if (failed.length) {
    process.stderr.write(`[bench] failed: ${failed.join(', ')}\n`);
    process.exit(1);
  }
}

main();
