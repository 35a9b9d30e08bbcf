/**
 * Every `lmindexer` command, in the order `lmindexer --help` lists them.
 * Add a command: write `src/cli/<name>.ts` exporting a `Command` and list it here.
 */
import { addCommand } from './add';
import { baselinesCommand } from './baselines';
import { evalCommand } from './eval';
import { exploreCommand } from './explore';
import { figuresCommand } from './figures';
import { finetuneCommand } from './finetune';
import { fitCommand } from './fit';
import { indexCommand } from './index-command';
import { infoCommand } from './info';
import type { Command } from './options';
import { planCommand } from './plan';
import { pretrainCommand } from './pretrain';

export const COMMANDS: readonly Command[] = [
  figuresCommand,
  indexCommand,
  fitCommand,
  addCommand,
  planCommand,
  pretrainCommand,
  finetuneCommand,
  evalCommand,
  baselinesCommand,
  exploreCommand,
  infoCommand,
];
