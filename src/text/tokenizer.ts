/** The tokenizer interface every model and masker uses. Ids are dense in [0, vocabSize). */
export interface Tokenizer {
  readonly vocabSize: number;
  readonly padId: number;
  readonly eosId: number;
  readonly unkId: number;
  /** Id of the mask token used by reconstruction / MLM-style objectives. */
  readonly maskId: number;
  /** Sentinel ids for T5 span corruption (`<extra_id_0>`, …), most models need ≥ 1. */
  readonly sentinelIds: readonly number[];
  /** Text → ids (no special tokens added). */
  encode(text: string): number[];
  /** Ids → text (special tokens dropped). */
  decode(ids: readonly number[]): string;
  /** Token string of an id (for inspection). */
  idToToken(id: number): string;
  /** Id of a token string, or undefined. */
  tokenToId(token: string): number | undefined;
  /** JSON-serialisable form (for tokenizers trained on a corpus); `loadTokenizer` reverses it. */
  toJSON(): unknown;
}
