/**
 * Amazon (Beauty/Sports/Toys) plumbing shared by the generative recommendation (Table 2) and product search
 * (Table 3) tasks: the user subsample, item inputs as ID tokens and/or item text, and metric rows.
 */
import type { Corpus, Interactions } from '../data/types';
import { LmiError } from '../errors';
import type { IdVocab } from '../generative/id-tokens';
import type { Tokenizer } from '../text/tokenizer';
import type { GenerativeInit, GenerativeSettings, IdSourceLike } from './generative-common';
import type { RunOptions } from './registry';

/** The first `maxUsers` users of `inter` in file order (0 = all) — the same users `seqRecData(…, {maxUsers})` scores. */
export function firstUsers(inter: Interactions, maxUsers: number): Interactions {
  if (!Number.isInteger(maxUsers) || maxUsers < 0) throw new LmiError(`maxUsers must be an integer ≥ 0, got ${maxUsers}`);
  if (maxUsers === 0 || maxUsers >= inter.sequences.size) return inter;
  return { ...inter, source: `${inter.source} [first ${maxUsers} users]`, sequences: new Map([...inter.sequences].slice(0, maxUsers)) };
}

/** How a history item is shown to the encoder. */
export type ItemInput = 'ids' | 'text' | 'ids+text';

/** Encodes items (by corpus index) as encoder tokens: ID tokens and/or the first `textTokens` tokens of the item text. */
export class ItemEncoder {
  private readonly text: number[][];

  constructor(
    corpus: Corpus, private readonly ids: readonly (readonly number[])[], private readonly vocab: IdVocab, tok: Tokenizer,
    readonly mode: ItemInput, readonly textTokens = 8,
  ) {
    this.text = mode === 'ids' ? [] : corpus.docs.map((d) => tok.encode(d.text).slice(0, textTokens));
  }

  /** Tokens of one item. */
  item(i: number): number[] {
    const idToks = this.mode === 'text' ? [] : this.vocab.tokens(this.ids[i]);
    return this.mode === 'ids' ? idToks : [...this.text[i], ...idToks];
  }

  /** Tokens of the last `maxItems` items of a history, oldest first, cut from the left to `maxTokens`. */
  history(items: readonly number[], maxItems: number, maxTokens: number): number[] {
    const out = items.slice(Math.max(0, items.length - maxItems)).flatMap((i) => this.item(i));
    return out.length > maxTokens ? out.slice(out.length - maxTokens) : out;
  }
}

/** Corpus index of every item id (throws on unknown ids). */
export function itemIndex(corpus: Corpus): (id: string) => number {
  const m = new Map(corpus.docs.map((d, i) => [d.id, i]));
  return (id) => {
    const i = m.get(id);
    if (i === undefined) throw new LmiError(`${corpus.name}: item "${id}" is not in the corpus`);
    return i;
  };
}

/** Options shared by the Amazon generative tasks (Tables 2 and 3). */
export interface AmazonTaskOptions extends RunOptions {
  settings?: Partial<GenerativeSettings>;
  ids?: IdSourceLike;
  init?: GenerativeInit;
  /** Indexing task over every catalogue item (true) or only items in the chosen users' sequences. Default: !smoke. */
  indexAllItems?: boolean;
  /** Users trained and tested (first in file order). Defaults: Table 2 3000, Table 3 2000 (smoke 150). */
  maxUsers?: number;
  /** Most recent history items in the input (Table 2 default 10; Table 3 default 0 = query only). */
  historyItems?: number;
}
