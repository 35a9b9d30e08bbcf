/**
 * Every `lmindexer` command, in the order `lmindexer --help` lists them.
 * Add a command: write `src/cli/<name>.ts` exporting a `Command` and list it here.
 */
import { exploreCommand } from './explore';
import { figuresCommand } from './figures';
import { fitCommand } from './fit';
import { indexCommand } from './index-command';
import { infoCommand } from './info';
import type { Command } from './options';
import { pretrainCommand } from './pretrain';

export const COMMANDS: readonly Command[] = [
  figuresCommand,
  indexCommand,
  fitCommand,
  pretrainCommand,
  exploreCommand,
  infoCommand,
];
