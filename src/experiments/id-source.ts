/**
 * Semantic IDs for a generative task read from an ID index folder (`lmindexer index`, `fit` or `add`), aligned to
 * the task's corpus by document id — so any indexer's IDs (HC, rq-VAE, LMIndexer) can drive Tables 2, 3 and 5.
 */
import type { Corpus } from '../data/types';
import { LmiError } from '../errors';
import { loadIdIndex } from '../quantize/id-index';
import type { IdSource, IdSourceLike } from './generative-common';

/** A resolver for `ids` of the generative tasks: the index's IDs in the order of the corpus the task loads. */
export function idsFromIndex(dir: string): (corpus: Corpus) => IdSource {
  const index = loadIdIndex(dir);
  const row = new Map(index.corpus.docs.map((d, i) => [d.id, i]));
  return (corpus) => {
    const missing = corpus.docs.filter((d) => !row.has(d.id));
    if (missing.length > 0) {
      throw new LmiError(
        `${dir}: ${missing.length} of the ${corpus.docs.length} documents of ${corpus.name} have no ID in this index ` +
          `(first: "${missing[0].id}"; the index covers ${index.corpus.docs.length} documents of ${index.manifest.corpus.name}). ` +
          `Index the task's whole corpus, or add the missing documents with \`lmindexer add\`.`,
      );
    }
    return {
      name: `${index.manifest.indexer} IDs from ${dir} (codebooks ${index.result.codebookSizes.join('×')})`,
      ids: corpus.docs.map((d) => index.result.ids[row.get(d.id) as number]),
      codebookSizes: index.result.codebookSizes,
    };
  };
}

/** The paper's indexer rows (Tables 2, 3, 5 name them alike). */
export type PaperIndexerRow = 'HC indexer' | 'rq-VAE indexer' | 'LMIndexer';

/**
 * The paper row matching an ID source, read from its name: `hcIds` names start with "HC" / "rq-VAE", `idsFromIndex`
 * names with the index's indexer ("hc", "rq-vae", "lmindexer"); undefined for anything else.
 */
export function paperIndexerRow(ids: IdSource): PaperIndexerRow | undefined {
  if (/^hc\b/i.test(ids.name)) return 'HC indexer';
  if (/^rq-?vae\b/i.test(ids.name)) return 'rq-VAE indexer';
  if (/^lmindexer\b/i.test(ids.name)) return 'LMIndexer';
  return undefined;
}

/** A hashable description of `moreIds` for the config hash (a resolver function is only known by its position). */
export function idSourcesKey(sources: readonly IdSourceLike[]): string[] {
  return sources.map((s, i) => (typeof s === 'function' ? `resolver #${i}` : 'indexer' in s ? `${s.indexer}/${s.embedding ?? 'tfidf'}` : s.name));
}
