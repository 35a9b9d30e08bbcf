/**
 * T5's SentencePiece tokenizer from a local `spiece.model` (unigram), without network or native code.
 *
 * Encoding follows SentencePiece: normalise (charsmap, whitespace rules, `▁` marker), then the Viterbi best
 * segmentation over all vocabulary pieces matching the normalised text, path scores kept in float32 exactly as the C++ does; a character no
 * piece covers becomes `<unk>` with score min(normal scores) − 10, runs of `<unk>` are merged, and with
 * `byte_fallback` an unknown span is written as its UTF-8 bytes `<0xXX>`. Decoding drops control pieces, writes
 * `<unk>` as the model's unk surface (" ⁇ "), joins byte pieces as UTF-8 and turns `▁` back into spaces.
 *
 * T5 conventions (as HF `T5Tokenizer`): pad 0, eos 1, unk 2 come from the model's trainer spec; `extraIds` (100)
 * sentinels are appended after the pieces in reverse order, so `<extra_id_0>` is the last id of the vocabulary.
 * The mask token for reconstruction objectives defaults to the highest-numbered extra id (`<extra_id_99>`), which
 * is then not offered as a span-corruption sentinel.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { LmiError } from '../errors';
import type { Tokenizer } from './tokenizer';
import { PieceType, SpModelType, parseSpModel, type SpModelProto } from './spiece-model';
import { SpNormalizer, SPACE_SYMBOL } from './spiece-normalizer';

/** Options of the T5 SentencePiece tokenizer. */
export interface SpieceOptions {
  /** Number of `<extra_id_N>` tokens appended after the model's pieces (T5: 100). */
  extraIds: number;
  /** Token used as `maskId`; default `<extra_id_{extraIds-1}>`. Must be a piece or an extra id. */
  maskToken?: string;
}

/** Defaults of {@link SpieceOptions}. */
export const DEFAULT_SPIECE_OPTIONS: SpieceOptions = { extraIds: 100 };

/** JSON form of a {@link SpieceTokenizer}: the model bytes inline (base64) plus the options. */
export interface SpieceJson {
  type: 'spiece';
  version: 1;
  source: string;
  options: SpieceOptions;
  model: string;
}

interface TrieNode {
  next: Map<number, TrieNode>;
  id: number;
}

const UNK_PENALTY = 10;
const EXTRA_ID = /^<extra_id_(\d+)>$/;

/** A SentencePiece unigram tokenizer with T5's special-token conventions. */
export class SpieceTokenizer implements Tokenizer {
  readonly vocabSize: number;
  readonly padId: number;
  readonly eosId: number;
  readonly unkId: number;
  readonly maskId: number;
  readonly sentinelIds: readonly number[];
  /** Number of pieces in the model file (ids below this are pieces, the rest extra ids). */
  readonly pieceCount: number;

  private readonly proto: SpModelProto;
  private readonly normalizer: SpNormalizer;
  private readonly pieceToId = new Map<string, number>();
  private readonly trie: TrieNode = { next: new Map(), id: -1 };
  private readonly byteIds: Int32Array = new Int32Array(256).fill(-1);
  private readonly minScore: number;
  private readonly maxScore: number;
  private readonly options: SpieceOptions;
  private readonly pieceScore: Float64Array;
  private readonly pieceType: Uint8Array;

  /**
   * @param bytes contents of a `spiece.model`
   * @param source file name used in error messages
   * @param options T5 conventions (extra ids, mask token)
   */
  constructor(
    private readonly bytes: Uint8Array,
    readonly source: string,
    options: Partial<SpieceOptions> = {},
  ) {
    this.options = { ...DEFAULT_SPIECE_OPTIONS, ...options };
    const { extraIds } = this.options;
    if (!Number.isInteger(extraIds) || extraIds < 0 || extraIds > 10000) {
      throw new LmiError(`spiece options: field "extraIds" must be an integer in [0, 10000], got ${extraIds}`);
    }
    const proto = (this.proto = parseSpModel(bytes, source));
    if (proto.trainer.modelType !== SpModelType.Unigram) {
      throw new LmiError(
        `${source}: trainer_spec.model_type is ${SpModelType[proto.trainer.modelType] ?? proto.trainer.modelType}; ` +
          'only unigram models (as T5 uses) are supported',
      );
    }
    this.pieceCount = proto.pieces.length;
    this.pieceScore = Float64Array.from(proto.pieces, (p) => p.score);
    this.pieceType = Uint8Array.from(proto.pieces, (p) => p.type);
    this.vocabSize = this.pieceCount + extraIds;
    let minScore = Infinity;
    let maxScore = -Infinity;
    let unkId = -1;
    const userDefined: string[] = [];
    proto.pieces.forEach((p, id) => {
      if (!this.pieceToId.has(p.piece)) this.pieceToId.set(p.piece, id);
      if (p.type === PieceType.Unknown && unkId < 0) unkId = id;
      if (p.type === PieceType.Normal) {
        minScore = Math.min(minScore, p.score);
        maxScore = Math.max(maxScore, p.score);
      }
      if (p.type === PieceType.UserDefined) userDefined.push(p.piece);
      if (p.type === PieceType.Byte) {
        const m = /^<0x([0-9A-Fa-f]{2})>$/.exec(p.piece);
        if (!m) throw new LmiError(`${source}: pieces[${id}] is a byte piece but is "${p.piece}", not "<0xXX>"`);
        this.byteIds[parseInt(m[1], 16)] = id;
      }
      if (p.type === PieceType.Normal || p.type === PieceType.UserDefined || p.type === PieceType.Unused) {
        this.insert(p.piece, id);
      }
    });
    if (unkId < 0) throw new LmiError(`${source}: no piece of type UNKNOWN; the model file is incomplete`);
    this.minScore = minScore === Infinity ? 0 : minScore;
    this.maxScore = maxScore === -Infinity ? 0 : maxScore;
    this.unkId = unkId;
    const { padId, eosId } = proto.trainer;
    if (padId < 0 || padId >= this.pieceCount || eosId < 0 || eosId >= this.pieceCount) {
      throw new LmiError(
        `${source}: trainer_spec has pad_id ${padId}, eos_id ${eosId}; T5 needs both (train with ` +
          '--pad_id=0 --eos_id=1 --unk_id=2 --bos_id=-1)',
      );
    }
    this.padId = padId;
    this.eosId = eosId;
    this.normalizer = new SpNormalizer(proto.normalizer, proto.trainer.treatWhitespaceAsSuffix, userDefined, source);
    const mask = this.options.maskToken ?? (extraIds > 0 ? `<extra_id_${extraIds - 1}>` : undefined);
    const maskId = mask === undefined ? undefined : this.tokenToId(mask);
    if (maskId === undefined) {
      throw new LmiError(
        `spiece options: field "maskToken" (${mask ?? 'unset'}) is not in the vocabulary of ${source}; ` +
          'set extraIds ≥ 1 or name an existing piece',
      );
    }
    this.maskId = maskId;
    const sentinels: number[] = [];
    for (let n = 0; n < extraIds; n++) {
      const id = this.vocabSize - 1 - n;
      if (id !== maskId) sentinels.push(id);
    }
    this.sentinelIds = sentinels;
  }

  private insert(piece: string, id: number): void {
    let node = this.trie;
    for (const ch of piece) {
      const cp = ch.codePointAt(0)!;
      let nx = node.next.get(cp);
      if (!nx) node.next.set(cp, (nx = { next: new Map(), id: -1 }));
      node = nx;
    }
    if (node.id < 0) node.id = id;
  }

  /** SentencePiece normalisation of `text` (spaces as `▁`, dummy prefix added). */
  normalize(text: string): string {
    return this.normalizer.normalize(text);
  }

  /** Viterbi segmentation of normalised text into [piece string, id] pairs (unknown runs merged). */
  private segment(normalized: string): Array<[string, number]> {
    // Code points with their UTF-16 offsets and UTF-8 lengths.
    const cps: number[] = [];
    const offsets: number[] = [];
    const byteLen: number[] = [];
    for (let i = 0; i < normalized.length; ) {
      const cp = normalized.codePointAt(i)!;
      cps.push(cp);
      offsets.push(i);
      byteLen.push(cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4);
      i += cp > 0xffff ? 2 : 1;
    }
    const n = cps.length;
    offsets.push(normalized.length);
    const bestScore = new Float64Array(n + 1);
    const bestFrom = new Int32Array(n + 1).fill(-1);
    const bestId = new Int32Array(n + 1).fill(-1);
    const unkScore = Math.fround(this.minScore - UNK_PENALTY);
    const { pieceScore, pieceType } = this;
    for (let start = 0; start < n; start++) {
      const base = bestScore[start];
      let node: TrieNode | undefined = this.trie;
      let hasSingle = false;
      let bytes = 0;
      for (let end = start; end < n; end++) {
        node = node.next.get(cps[end]);
        if (!node) break;
        bytes += byteLen[end];
        const id = node.id;
        if (id < 0 || pieceType[id] === PieceType.Unused) continue;
        // As SentencePiece's optimised Viterbi: the candidate is a double (score + float path score), compared
        // unrounded against the stored float, then stored rounded to float. This decides near-ties exactly alike.
        const score = pieceType[id] === PieceType.UserDefined ? Math.fround(bytes * this.maxScore) - 0.1 : pieceScore[id];
        const cand = score + base;
        if (bestFrom[end + 1] === -1 || cand > bestScore[end + 1]) {
          bestScore[end + 1] = Math.fround(cand);
          bestFrom[end + 1] = start;
          bestId[end + 1] = id;
        }
        if (end === start) hasSingle = true;
      }
      if (!hasSingle) {
        const cand = Math.fround(unkScore + base);
        if (bestFrom[start + 1] === -1 || cand > bestScore[start + 1]) {
          bestScore[start + 1] = cand;
          bestFrom[start + 1] = start;
          bestId[start + 1] = this.unkId;
        }
      }
    }
    const out: Array<[string, number]> = [];
    for (let end = n; end > 0; end = bestFrom[end]) {
      const id = bestId[end];
      const piece = normalized.slice(offsets[bestFrom[end]], offsets[end]);
      const last = out[out.length - 1];
      if (id === this.unkId && last && last[1] === this.unkId) last[0] = piece + last[0];
      else out.push([piece, id]);
    }
    return out.reverse();
  }

  /** Text → piece strings (as `sp.encode(text, out_type=str)`). */
  encodePieces(text: string): string[] {
    return this.encode(text).map((id) => this.idToToken(id));
  }

  /** Text → ids (no eos added). */
  encode(text: string): number[] {
    const ids: number[] = [];
    for (const [piece, id] of this.segment(this.normalizer.normalize(text))) {
      if (id === this.unkId && this.proto.trainer.byteFallback) {
        for (const b of Buffer.from(piece, 'utf8')) {
          const bid = this.byteIds[b];
          ids.push(bid >= 0 ? bid : this.unkId);
        }
      } else ids.push(id);
    }
    return ids;
  }

  /** Ids → text: control pieces and extra ids dropped, `<unk>` as the unk surface, byte pieces joined as UTF-8. */
  decode(ids: readonly number[]): string {
    let text = '';
    let pendingBytes: number[] = [];
    const flush = (): void => {
      if (pendingBytes.length) text += Buffer.from(pendingBytes).toString('utf8');
      pendingBytes = [];
    };
    for (const id of ids) {
      if (!Number.isInteger(id) || id < 0 || id >= this.vocabSize) {
        throw new LmiError(`spiece decode: id ${id} is outside [0, ${this.vocabSize}) for ${this.source}`);
      }
      if (id >= this.pieceCount) continue;
      const p = this.proto.pieces[id];
      if (p.type === PieceType.Byte) {
        pendingBytes.push(parseInt(p.piece.slice(3, 5), 16));
        continue;
      }
      flush();
      if (p.type === PieceType.Control) continue;
      if (p.type === PieceType.Unknown) {
        text += this.proto.trainer.unkSurface;
        continue;
      }
      let s = p.piece;
      if (text.length === 0 && !this.proto.trainer.treatWhitespaceAsSuffix && s.startsWith(SPACE_SYMBOL)) {
        s = s.slice(SPACE_SYMBOL.length);
      }
      text += s.split(SPACE_SYMBOL).join(' ');
    }
    flush();
    return text;
  }

  /** Token string of an id (`<extra_id_N>` for the appended ids). */
  idToToken(id: number): string {
    if (id >= this.pieceCount && id < this.vocabSize) return `<extra_id_${this.vocabSize - 1 - id}>`;
    const p = this.proto.pieces[id];
    if (!p) throw new LmiError(`spiece idToToken: id ${id} is outside [0, ${this.vocabSize}) for ${this.source}`);
    return p.piece;
  }

  /** Id of a piece or `<extra_id_N>` token, or undefined. */
  tokenToId(token: string): number | undefined {
    const id = this.pieceToId.get(token);
    if (id !== undefined) return id;
    const m = EXTRA_ID.exec(token);
    if (m) {
      const n = Number(m[1]);
      if (n < this.options.extraIds) return this.vocabSize - 1 - n;
    }
    return undefined;
  }

  /** Self-contained JSON: the model bytes in base64 plus the options. */
  toJSON(): SpieceJson {
    return {
      type: 'spiece',
      version: 1,
      source: this.source,
      options: { ...this.options },
      model: Buffer.from(this.bytes).toString('base64'),
    };
  }
}

/**
 * Loads a T5 `spiece.model` from a file or a directory containing `spiece.model` (HF layout). Missing files,
 * directories without the model, and corrupt/truncated files throw `LmiError` naming the path.
 */
export function loadSpiece(fileOrDir: string, options: Partial<SpieceOptions> = {}): SpieceTokenizer {
  let file = fileOrDir;
  if (!fs.existsSync(file)) {
    throw new LmiError(`${file}: not found; pass a spiece.model file or a directory that contains one`);
  }
  if (fs.statSync(file).isDirectory()) {
    file = path.join(fileOrDir, 'spiece.model');
    if (!fs.existsSync(file)) {
      throw new LmiError(`${fileOrDir}: directory has no spiece.model; copy T5's spiece.model there`);
    }
  }
  return new SpieceTokenizer(new Uint8Array(fs.readFileSync(file)), file, options);
}

/** Rebuilds a {@link SpieceTokenizer} from {@link SpieceTokenizer.toJSON} output. */
export function spieceFromJson(json: SpieceJson, source = 'tokenizer JSON'): SpieceTokenizer {
  if (typeof json.model !== 'string' || json.model.length === 0) {
    throw new LmiError(`${source}: field "model" must be the base64 bytes of a spiece.model`);
  }
  return new SpieceTokenizer(new Uint8Array(Buffer.from(json.model, 'base64')), json.source ?? source, json.options);
}
