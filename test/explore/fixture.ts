/** A saved + reloaded ID index of the 600-document synthetic quickstart (HC IDs), built once per test file. */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { makeConfig } from '../../src/config';
import { quickstartConfig, runQuickstart } from '../../src/experiments/quickstart';
import { loadIdIndex, saveIdIndex, type LoadedIdIndex } from '../../src/quantize/id-index';

let cached: Promise<LoadedIdIndex> | undefined;

/** Quickstart (smoke, 600 docs) → saveIdIndex → loadIdIndex, in a fresh temp folder. */
export function quickstartIndex(): Promise<LoadedIdIndex> {
  cached ??= (async () => {
    const run = await runQuickstart(quickstartConfig(makeConfig(), { smoke: true }));
    const dir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'lmi-explore-')), 'index');
    saveIdIndex(dir, { corpus: run.corpus, result: run.index, indexer: 'hc', config: run.cfg });
    return loadIdIndex(dir);
  })();
  return cached;
}
