/**
 * Parses a SentencePiece `ModelProto` (the `spiece.model` file shipped with T5) into plain data: the pieces with
 * their scores and types, the normaliser settings and the trainer settings that matter for encoding. Field numbers
 * follow `sentencepiece_model.proto` (ModelProto: 1 pieces, 2 trainer_spec, 3 normalizer_spec; SentencePiece:
 * 1 piece, 2 score, 3 type; NormalizerSpec: 1 name, 2 precompiled_charsmap, 3 add_dummy_prefix,
 * 4 remove_extra_whitespaces, 5 escape_whitespaces; TrainerSpec: 3 model_type, 24 treat_whitespace_as_suffix,
 * 35 byte_fallback, 40–43 unk/bos/eos/pad ids, 44 unk_surface).
 */
import { LmiError } from '../errors';
import { ProtoReader, WireType } from './protobuf';

/** SentencePiece piece types (`SentencePiece.Type`). */
export enum PieceType {
  Normal = 1,
  Unknown = 2,
  Control = 3,
  UserDefined = 4,
  Unused = 5,
  Byte = 6,
}

/** SentencePiece model types (`TrainerSpec.ModelType`). */
export enum SpModelType {
  Unigram = 1,
  Bpe = 2,
  Word = 3,
  Char = 4,
}

/** One vocabulary entry. */
export interface SpPiece {
  piece: string;
  score: number;
  type: PieceType;
}

/** The normaliser settings (`NormalizerSpec`), proto defaults applied. */
export interface SpNormalizerSpec {
  name: string;
  /** Compiled normalisation rules (double-array trie + replacement strings); empty = identity. */
  precompiledCharsmap: Uint8Array;
  addDummyPrefix: boolean;
  removeExtraWhitespaces: boolean;
  escapeWhitespaces: boolean;
}

/** The trainer settings encoding depends on (`TrainerSpec`), proto defaults applied. */
export interface SpTrainerSpec {
  modelType: SpModelType;
  treatWhitespaceAsSuffix: boolean;
  byteFallback: boolean;
  unkId: number;
  bosId: number;
  eosId: number;
  padId: number;
  unkSurface: string;
}

/** A parsed `ModelProto`. */
export interface SpModelProto {
  pieces: SpPiece[];
  trainer: SpTrainerSpec;
  normalizer: SpNormalizerSpec;
}

function parsePiece(r: ProtoReader): SpPiece {
  const p: SpPiece = { piece: '', score: 0, type: PieceType.Normal };
  while (!r.done()) {
    const k = r.key();
    if (k.field === 1) {
      r.expect(k, WireType.LengthDelimited, 'SentencePiece.piece');
      p.piece = r.string();
    } else if (k.field === 2) {
      r.expect(k, WireType.Fixed32, 'SentencePiece.score');
      p.score = r.float32();
    } else if (k.field === 3) {
      r.expect(k, WireType.Varint, 'SentencePiece.type');
      p.type = r.int32();
    } else r.skip(k.wireType);
  }
  return p;
}

function parseTrainer(r: ProtoReader): SpTrainerSpec {
  const t: SpTrainerSpec = {
    modelType: SpModelType.Unigram,
    treatWhitespaceAsSuffix: false,
    byteFallback: false,
    unkId: 0,
    bosId: 1,
    eosId: 2,
    padId: -1,
    unkSurface: ' \u2047 ',
  };
  while (!r.done()) {
    const k = r.key();
    const varint = k.wireType === WireType.Varint;
    if (k.field === 3 && varint) t.modelType = r.int32();
    else if (k.field === 24 && varint) t.treatWhitespaceAsSuffix = r.bool();
    else if (k.field === 35 && varint) t.byteFallback = r.bool();
    else if (k.field === 40 && varint) t.unkId = r.int32();
    else if (k.field === 41 && varint) t.bosId = r.int32();
    else if (k.field === 42 && varint) t.eosId = r.int32();
    else if (k.field === 43 && varint) t.padId = r.int32();
    else if (k.field === 44 && k.wireType === WireType.LengthDelimited) t.unkSurface = r.string();
    else r.skip(k.wireType);
  }
  return t;
}

function parseNormalizer(r: ProtoReader): SpNormalizerSpec {
  const n: SpNormalizerSpec = {
    name: '',
    precompiledCharsmap: new Uint8Array(0),
    addDummyPrefix: true,
    removeExtraWhitespaces: true,
    escapeWhitespaces: true,
  };
  while (!r.done()) {
    const k = r.key();
    const varint = k.wireType === WireType.Varint;
    if (k.field === 1 && k.wireType === WireType.LengthDelimited) n.name = r.string();
    else if (k.field === 2 && k.wireType === WireType.LengthDelimited) n.precompiledCharsmap = r.bytes();
    else if (k.field === 3 && varint) n.addDummyPrefix = r.bool();
    else if (k.field === 4 && varint) n.removeExtraWhitespaces = r.bool();
    else if (k.field === 5 && varint) n.escapeWhitespaces = r.bool();
    else r.skip(k.wireType);
  }
  return n;
}

/**
 * Parses the bytes of a `spiece.model`. Throws `LmiError` (naming `source`) on corrupt or truncated input, an empty
 * vocabulary, or a piece type outside 1..6.
 */
export function parseSpModel(bytes: Uint8Array, source: string): SpModelProto {
  if (bytes.length === 0) throw new LmiError(`${source}: file is empty; expected a SentencePiece model (spiece.model)`);
  const r = new ProtoReader(bytes, source);
  const pieces: SpPiece[] = [];
  let trainer: SpTrainerSpec | undefined;
  let normalizer: SpNormalizerSpec | undefined;
  while (!r.done()) {
    const k = r.key();
    if (k.field === 1) {
      r.expect(k, WireType.LengthDelimited, 'ModelProto.pieces');
      pieces.push(parsePiece(r.message()));
    } else if (k.field === 2) {
      r.expect(k, WireType.LengthDelimited, 'ModelProto.trainer_spec');
      trainer = parseTrainer(r.message());
    } else if (k.field === 3) {
      r.expect(k, WireType.LengthDelimited, 'ModelProto.normalizer_spec');
      normalizer = parseNormalizer(r.message());
    } else r.skip(k.wireType);
  }
  if (pieces.length === 0) {
    throw new LmiError(`${source}: field "pieces" is empty; not a SentencePiece model (expected T5's spiece.model)`);
  }
  pieces.forEach((p, i) => {
    if (!(p.type >= 1 && p.type <= 6)) {
      throw new LmiError(`${source}: pieces[${i}] ("${p.piece}") has unknown type ${p.type}; file is corrupt`);
    }
  });
  return {
    pieces,
    trainer: trainer ?? parseTrainer(new ProtoReader(new Uint8Array(0), source)),
    normalizer: normalizer ?? parseNormalizer(new ProtoReader(new Uint8Array(0), source)),
  };
}
