/** `lmindexer baselines`: the classic baselines of Tables 2, 3 and 5 on one data set, paper beside ours. */
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { LmiError } from '../errors';
import { BASELINE_TASKS, type BaselineDataset, type BaselineTask, runBaselines, TASK_BASELINES, TASK_DATASETS } from '../experiments/baselines';
import { writeResult } from '../experiments/output';
import { tableToMarkdown } from '../viz/table';
import { type Command, configFrom, intOption } from './options';

export const baselinesCommand: Command = {
  name: 'baselines',
  usage: `--task ${BASELINE_TASKS.join('|')} --dataset beauty|sports|toys|scientific|scifact [--only name,name] [--out DIR]
[--max-users N] [--pretrain-epochs N] [--epochs N] [--max-steps N] [--table-sizes] [--budget SECONDS] [--smoke] [--config FILE] [--preset small|paper]
run the classic baselines (rec: ${TASK_BASELINES.rec.join(', ')}; search/retrieval: ${TASK_BASELINES.search.join(', ')})
→ DIR (default figures/baselines/): tables/baselines-<task>-<dataset>.md and .json, paper | ours`,
  async run(args) {
    const { values } = parseArgs({
      args,
      options: {
        task: { type: 'string' },
        dataset: { type: 'string' },
        only: { type: 'string' },
        out: { type: 'string', default: path.join('figures', 'baselines') },
        'max-users': { type: 'string' },
        'pretrain-epochs': { type: 'string' },
        epochs: { type: 'string' },
        'max-steps': { type: 'string' },
        budget: { type: 'string' },
        'table-sizes': { type: 'boolean', default: false },
        smoke: { type: 'boolean', default: process.env.LMI_SMOKE === '1' },
        config: { type: 'string' },
        preset: { type: 'string' },
      },
    });
    if (!values.task) throw new LmiError(`baselines: --task is required (${BASELINE_TASKS.join(', ')})`);
    if (!values.dataset) throw new LmiError('baselines: --dataset is required (beauty, sports, toys, scientific or scifact)');
    const task = values.task as BaselineTask;
    if (!BASELINE_TASKS.includes(task)) throw new LmiError(`baselines: --task must be one of ${BASELINE_TASKS.join(', ')}, got "${values.task}"`);
    if (!TASK_DATASETS[task].includes(values.dataset as BaselineDataset)) {
      throw new LmiError(`baselines: --dataset for --task ${task} must be one of ${TASK_DATASETS[task].join(', ')}, got "${values.dataset}"`);
    }
    const epochs = intOption('epochs', values.epochs);
    if (epochs === 0) throw new LmiError('--epochs: must be at least 1');
    const maxSteps = intOption('max-steps', values['max-steps']);
    const cfg = configFrom(values, {});
    const result = await runBaselines(cfg, {
      task,
      dataset: values.dataset as BaselineDataset,
      only: values.only ? values.only.split(',').map((s) => s.trim()).filter(Boolean) : undefined,
      maxUsers: intOption('max-users', values['max-users']),
      pretrainEpochs: intOption('pretrain-epochs', values['pretrain-epochs']),
      budgetSeconds: intOption('budget', values.budget),
      dualEncoder: { ...(epochs ? { epochs } : {}), ...(maxSteps ? { maxSteps } : {}) },
      seal: { ...(epochs ? { epochs } : {}), ...(maxSteps ? { maxSteps } : {}) },
      smoke: values.smoke,
      tableSizes: values['table-sizes'],
      progress: true,
    });
    const written = await writeResult(result, values.out);
    for (const t of result.tables) process.stdout.write(`${tableToMarkdown(t)}\n`);
    process.stdout.write(`wrote ${written.tables.map((t) => `${path.join(values.out, t.md)}, ${path.join(values.out, t.json)}`).join('; ')} (${result.meta.seconds.toFixed(0)} s)\n`);
  },
};
