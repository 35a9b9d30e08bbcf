/** `lmindexer add`: IDs for unseen documents from a saved index's trained indexer, no retraining (issue 11). */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { describeBackend, initBackend } from '../backend';
import { LmiError } from '../errors';
import { addDocuments, type AddReport } from '../indexer/incremental';
import { parseShard, readPrefixTables, runShard } from '../indexer/shards';
import { parseDocs } from '../quantize/id-index';
import type { Command } from './options';

/** The summary lines `lmindexer add` prints. */
export function formatAddReport(r: AddReport, out: string): string {
  const fmt = (xs: number[]) => xs.map((x) => (Number.isInteger(x) ? String(x) : x.toFixed(1))).join(', ');
  const lines = [`added ${r.added} documents (${r.alreadyIndexed} already indexed, unchanged) in ${r.seconds.toFixed(2)} s: ${r.docsPerSecond.toFixed(1)} docs/s (IDs computed in ${r.assignSeconds.toFixed(2)} s)`];
  if (r.added > 0) {
    lines.push(
      `new documents per position: codes used ${fmt(r.codesUsed)}; code perplexity ${fmt(r.perplexity)}`,
      `${r.joinedExistingPrefix} joined an existing ID prefix (next collision code), ${r.newPrefixes} new prefixes; codebooks ${r.codebookSizesBefore.join(' × ')} → ${r.codebookSizesAfter.join(' × ')}`,
    );
  }
  lines.push(`saved to ${out} (ids.tsv, docs.jsonl, trie.json, index.json)`);
  return lines.join('\n') + '\n';
}

export const addCommand: Command = {
  name: 'add',
  usage: `--index DIR --docs FILE.jsonl [--out DIR] [--shard i/n --prefixes-out FILE | --prefixes FILE,...]
give unseen documents ({"id", "text"} per line) IDs with the index's trained indexer (HC on TF-IDF or LMIndexer),
no retraining; collisions take the next free code of the final position; writes the extended index atomically.
Sharded: each "--shard i/n --prefixes-out" process writes its documents' prefixes; "--prefixes" merges them`,
  async run(args) {
    const { values } = parseArgs({
      args,
      options: { index: { type: 'string' }, docs: { type: 'string' }, out: { type: 'string' }, shard: { type: 'string' }, 'prefixes-out': { type: 'string' }, prefixes: { type: 'string' } },
    });
    if (!values.index) throw new LmiError('add: --index DIR is required (an ID index folder from "lmindexer index" or "lmindexer fit")');
    if (!values.docs) throw new LmiError('add: --docs FILE is required (JSONL, one {"id": ..., "text": ...} per line)');
    let text: string;
    try {
      text = fs.readFileSync(values.docs, 'utf8');
    } catch (e) {
      throw new LmiError(`${values.docs}: cannot read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
    }
    const docs = parseDocs(values.docs, text);
    if (!docs.length) throw new LmiError(`${values.docs}: no documents (one {"id": ..., "text": ...} per line expected)`);
    if (values.shard && !values['prefixes-out']) throw new LmiError('add: --shard needs --prefixes-out FILE (where this shard writes its prefixes)');
    if (values['prefixes-out'] && !values.shard) throw new LmiError('add: --prefixes-out needs --shard i/n');
    if (values.shard && values.prefixes) throw new LmiError('add: use --shard (compute one shard) or --prefixes (merge shards), not both');
    const info = await initBackend();
    if (values.shard) {
      const { shard, of } = parseShard(values.shard);
      const r = runShard(values.index, docs, shard, of, values['prefixes-out']!);
      process.stdout.write(
        `shard ${shard}/${of}: prefixes of ${r.docs} documents (${r.alreadyIndexed} already indexed) in ${r.seconds.toFixed(2)} s: ${r.docsPerSecond.toFixed(1)} docs/s ` +
          `(+ ${r.loadSeconds.toFixed(2)} s loading); written to ${values['prefixes-out']}\nbackend: ${describeBackend(info)}\n`,
      );
      return;
    }
    const out = values.out ?? values.index;
    const prefixes = values.prefixes ? readPrefixTables(values.prefixes.split(',')) : undefined;
    const { report } = addDocuments(values.index, docs, { out, where: values.docs, prefixes });
    const stale = report.added > 0 && fs.existsSync(path.join(out, 'explorer.html')) ? `explorer.html predates the new documents: re-run "lmindexer explore --index ${out}"\n` : '';
    process.stdout.write(formatAddReport(report, out) + stale + `backend: ${describeBackend(info)}\n`);
  },
};
