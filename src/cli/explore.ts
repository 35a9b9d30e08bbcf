/** `lmindexer explore`: a self-contained HTML ID explorer for an ID index folder. */
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { LmiError } from '../errors';
import { writeExplorer } from '../explore/index';
import { loadIdIndex } from '../quantize/id-index';
import type { Command } from './options';

export const exploreCommand: Command = {
  name: 'explore',
  usage: `--index DIR [--out FILE]
write a self-contained HTML ID explorer for an index (default DIR/explorer.html)`,
  async run(args) {
    const { values } = parseArgs({ args, options: { index: { type: 'string' }, out: { type: 'string' } } });
    if (!values.index) throw new LmiError('explore: --index DIR is required (a folder written by `lmindexer index`)');
    const out = values.out ?? path.join(values.index, 'explorer.html');
    const bytes = writeExplorer(loadIdIndex(values.index), out);
    process.stdout.write(`wrote ${out} (${(bytes / 1e6).toFixed(1)} MB); open it in a browser, no server needed\n`);
  },
};
