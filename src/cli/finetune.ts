/**
 * `lmindexer finetune`: a generative task end to end — fine-tune a T5 to generate semantic IDs (Eq 14) and search
 * with constrained beam search — then evaluate it beside the paper (the same functions as Tables 2, 3 and 5).
 */
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { LmiError } from '../errors';
import type { GenerativeSettings } from '../experiments/generative-common';
import { idsFromIndex } from '../experiments/id-source';
import { writeResult } from '../experiments/output';
import { runTable2 } from '../experiments/table2';
import { runTable3 } from '../experiments/table3';
import { runTable5 } from '../experiments/table5';
import type { ExperimentResult } from '../experiments/types';
import { tableToMarkdown } from '../viz/table';
import { type Command, configFrom, intOption, workersOption } from './options';

const TASKS = ['rec', 'search', 'retrieval'] as const;
type Task = (typeof TASKS)[number];
const TASK_DATA: Record<Task, string> = { rec: 'Amazon Beauty (Table 2)', search: 'Amazon Beauty (Table 3)', retrieval: 'SciFact (Table 5)' };

export const finetuneCommand: Command = {
  name: 'finetune',
  usage: `--task ${TASKS.join('|')} [--ids DIR] [--epochs N] [--pretrain-epochs N] [--max-users N] [--workers N|auto] [--smoke]
[--config FILE] [--preset small|paper] [--out DIR]
fine-tune a T5 to generate semantic IDs and evaluate with constrained beam search: rec = next item
(${TASK_DATA.rec}), search = product search, retrieval = ${TASK_DATA.retrieval}; --ids takes an ID index folder
(any indexer; default HC on TF-IDF); writes the table (paper beside ours) to DIR (default runs/finetune-TASK)`,
  async run(args) {
    const { values } = parseArgs({
      args,
      options: {
        task: { type: 'string' },
        ids: { type: 'string' },
        epochs: { type: 'string' },
        'pretrain-epochs': { type: 'string' },
        'max-users': { type: 'string' },
        workers: { type: 'string' },
        smoke: { type: 'boolean', default: false },
        config: { type: 'string' },
        preset: { type: 'string' },
        out: { type: 'string' },
      },
    });
    if (!values.task) throw new LmiError(`finetune: --task is required (${TASKS.join(', ')})`);
    if (!TASKS.includes(values.task as Task)) throw new LmiError(`--task: must be one of ${TASKS.join(', ')}, got "${values.task}"`);
    const task = values.task as Task;
    const maxUsers = intOption('max-users', values['max-users']);
    if (maxUsers !== undefined && task === 'retrieval') throw new LmiError('--max-users applies to --task rec and search (Amazon users), not retrieval');
    const settings: Partial<GenerativeSettings> = {};
    const epochs = intOption('epochs', values.epochs);
    if (epochs !== undefined) {
      if (epochs < 1) throw new LmiError('--epochs: must be at least 1');
      settings.epochs = epochs;
    }
    const pre = intOption('pretrain-epochs', values['pretrain-epochs']);
    if (pre !== undefined) settings.pretrainEpochs = pre;
    const workers = workersOption(values.workers);
    if (workers !== undefined) settings.workers = workers;
    const cfg = configFrom(values, {});
    const ids = values.ids ? idsFromIndex(values.ids) : undefined;
    const common = { smoke: values.smoke, settings, ...(ids ? { ids } : {}) };
    let result: ExperimentResult;
    if (task === 'rec') result = await runTable2(cfg, { ...common, ...(maxUsers !== undefined ? { maxUsers } : {}) });
    else if (task === 'search') result = await runTable3(cfg, { ...common, ...(maxUsers !== undefined ? { maxUsers } : {}) });
    else result = await runTable5(cfg, common);
    const out = values.out ?? path.join('runs', `finetune-${task}`);
    const written = await writeResult(result, out);
    for (const t of result.tables) process.stdout.write(`\n${tableToMarkdown(t)}\n`);
    process.stdout.write(`\n${task}: ${result.meta.seconds.toFixed(0)} s on ${result.meta.backend}; wrote ${written.tables.map((t) => path.join(out, t.md)).join(', ')}\n`);
  },
};
