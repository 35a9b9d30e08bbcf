/**
 * Run the generative tasks from the command line and print their tables:
 *   node --import tsx bench/generative.ts <table5|table3|table2> [--smoke] [--epochs N] [--pretrain-epochs N]
 *     [--lr X] [--batch N] [--beam N] [--users N] [--max-docs N] [--pseudo N] [--json out.json]
 * (`lmindexer finetune/eval --task …` will wrap the same functions.)
 */
import * as fs from 'node:fs';
import { preset } from '../src/config';
import type { GenerativeSettings } from '../src/experiments/generative-common';
import { runTable2 } from '../src/experiments/table2';
import { runTable3 } from '../src/experiments/table3';
import { runTable5 } from '../src/experiments/table5';
import type { ExperimentResult } from '../src/experiments/types';

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

function print(r: ExperimentResult): void {
  for (const t of r.tables) {
    console.log(`\n${t.title}\n${t.columns.join(' | ')}`);
    for (const row of t.rows) console.log(row.map((x) => (typeof x === 'number' ? x.toFixed(4) : x ?? '—')).join(' | '));
    for (const n of t.notes ?? []) console.log(`  - ${n}`);
  }
  console.log(`\n${r.meta.id}: ${r.meta.seconds.toFixed(0)} s total`);
}

async function main(): Promise<void> {
  const task = process.argv[2] ?? 'table5';
  const smoke = process.argv.includes('--smoke');
  const settings: Partial<GenerativeSettings> = {};
  const num = (k: string): number | undefined => (arg(k) === undefined ? undefined : Number(arg(k)));
  if (num('epochs') !== undefined) settings.epochs = num('epochs');
  if (num('pretrain-epochs') !== undefined) settings.pretrainEpochs = num('pretrain-epochs');
  if (num('lr') !== undefined) settings.learningRate = num('lr');
  if (num('batch') !== undefined) settings.batchSize = num('batch');
  if (num('beam') !== undefined) settings.beamSize = num('beam');
  const cfg = preset('small');
  if (num('max-docs') !== undefined) cfg.data.maxDocs = num('max-docs')!;
  const users = num('users');
  let r: ExperimentResult;
  if (task === 'table5') r = await runTable5(cfg, { smoke, settings, ...(num('pseudo') !== undefined ? { pseudoQueriesPerDoc: num('pseudo') } : {}) });
  else if (task === 'table3') r = await runTable3(cfg, { smoke, settings, ...(users ? { maxUsers: users } : {}) });
  else if (task === 'table2') r = await runTable2(cfg, { smoke, settings, ...(users ? { maxUsers: users } : {}) });
  else throw new Error(`unknown task ${task}; use table5, table3 or table2`);
  print(r);
  const out = arg('json');
  if (out) fs.writeFileSync(out, JSON.stringify(r, null, 1));
}

void main();
