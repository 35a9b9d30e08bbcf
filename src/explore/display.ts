/** Show the ID explorer inline in a tslab notebook (outside tslab: write the page to a temp file and say where). */
import * as os from 'node:os';
import * as path from 'node:path';
import type { LoadedIdIndex } from '../quantize/id-index';
import { displayBundle } from '../viz/display';
import { explorerHtml, type ExplorerHtmlOptions, writeExplorer } from './html';

/** Display the explorer for `index`; returns the file written when not in a notebook. */
export function showExplorer(index: LoadedIdIndex, opts: Partial<ExplorerHtmlOptions> = {}): string | undefined {
  const html = explorerHtml(index, opts);
  if (displayBundle({ 'text/html': html, 'text/plain': `ID explorer: ${index.corpus.docs.length} documents` })) return undefined;
  const file = path.join(os.tmpdir(), 'lmindexer-figures', `explorer-${index.manifest.corpus.name}.html`);
  writeExplorer(index, file, opts);
  process.stdout.write(`ID explorer written to ${file}\n`);
  return file;
}
