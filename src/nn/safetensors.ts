/**
 * The safetensors format (https://github.com/huggingface/safetensors): an 8-byte little-endian header length, a JSON
 * header `{name: {dtype, shape, data_offsets: [begin, end]}, "__metadata__": {string: string}}` padded with spaces
 * to a multiple of 8, then the raw little-endian tensor bytes. Reading converts F16/BF16/F64 to float32; writing
 * emits F32 (and I32 for int arrays). Files are written atomically (temp file + rename).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { LmiError } from '../errors';
import { writeFileAtomic } from '../atomic-write';

export type SafeDtype = 'F32' | 'F16' | 'BF16' | 'F64' | 'I32' | 'I64';

/** A host-side tensor: row-major data and its shape. */
export interface HostTensor {
  shape: number[];
  data: Float32Array | Int32Array;
}

export interface SafetensorsFile {
  tensors: Map<string, HostTensor>;
  metadata: Record<string, string>;
}

const LITTLE_ENDIAN = os.endianness() === 'LE';

const BYTES: Record<SafeDtype, number> = { F32: 4, F16: 2, BF16: 2, F64: 8, I32: 4, I64: 8 };

function halfToFloat(h: number): number {
  const s = h & 0x8000 ? -1 : 1;
  const e = (h >> 10) & 0x1f;
  const f = h & 0x3ff;
  if (e === 0) return s * 2 ** -14 * (f / 1024);
  if (e === 31) return f ? NaN : s * Infinity;
  return s * 2 ** (e - 15) * (1 + f / 1024);
}

function decodeData(where: string, dtype: SafeDtype, bytes: Uint8Array, count: number): Float32Array | Int32Array {
  // Copy into an aligned buffer first: tensor data inside the file need not be 4-byte aligned.
  const buf = new Uint8Array(bytes).buffer;
  const dv = new DataView(buf);
  switch (dtype) {
    case 'F32': {
      if (LITTLE_ENDIAN) return new Float32Array(buf);
      const out = new Float32Array(count);
      for (let i = 0; i < count; i++) out[i] = dv.getFloat32(4 * i, true);
      return out;
    }
    case 'F64': {
      const out = new Float32Array(count);
      for (let i = 0; i < count; i++) out[i] = dv.getFloat64(8 * i, true);
      return out;
    }
    case 'F16': {
      const out = new Float32Array(count);
      for (let i = 0; i < count; i++) out[i] = halfToFloat(dv.getUint16(2 * i, true));
      return out;
    }
    case 'BF16': {
      const u = new Uint32Array(count);
      for (let i = 0; i < count; i++) u[i] = dv.getUint16(2 * i, true) << 16;
      return new Float32Array(u.buffer);
    }
    case 'I32': {
      const out = new Int32Array(count);
      for (let i = 0; i < count; i++) out[i] = dv.getInt32(4 * i, true);
      return out;
    }
    case 'I64': {
      const out = new Int32Array(count);
      for (let i = 0; i < count; i++) {
        const v = dv.getBigInt64(8 * i, true);
        if (v > 2147483647n || v < -2147483648n) throw new LmiError(`${where}: int64 value ${v} does not fit int32`);
        out[i] = Number(v);
      }
      return out;
    }
    default:
      throw new LmiError(`${where}: unsupported dtype "${dtype as string}"; supported: ${Object.keys(BYTES).join(', ')}`);
  }
}

/** Parse safetensors bytes; `where` names the source in errors. */
export function decodeSafetensors(bytes: Uint8Array, where = 'safetensors'): SafetensorsFile {
  const redo = 'the file is truncated or not safetensors; delete it and re-create it (re-run the command that wrote it)';
  if (bytes.length < 8) throw new LmiError(`${where}: file too short (${bytes.length} bytes) to be safetensors; ${redo}`);
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLen = Number(dv.getBigUint64(0, true));
  if (8 + headerLen > bytes.length) throw new LmiError(`${where}: header length ${headerLen} exceeds file size ${bytes.length}; ${redo}`);
  let header: Record<string, unknown>;
  try {
    header = JSON.parse(Buffer.from(bytes.subarray(8, 8 + headerLen)).toString('utf8')) as Record<string, unknown>;
  } catch (e) {
    throw new LmiError(`${where}: invalid JSON header (${(e as Error).message}); ${redo}`);
  }
  const base = 8 + headerLen;
  const tensors = new Map<string, HostTensor>();
  let metadata: Record<string, string> = {};
  for (const [name, entry] of Object.entries(header)) {
    if (name === '__metadata__') {
      metadata = (entry ?? {}) as Record<string, string>;
      continue;
    }
    const { dtype, shape, data_offsets: offs } = entry as { dtype: SafeDtype; shape: number[]; data_offsets: [number, number] };
    if (!(dtype in BYTES)) throw new LmiError(`${where}: tensor "${name}" has unsupported dtype "${dtype}"`);
    const count = shape.reduce((a, b) => a * b, 1);
    if (base + offs[1] > bytes.length) {
      throw new LmiError(`${where}: tensor "${name}" ends at byte ${base + offs[1]} but the file has ${bytes.length} bytes; ${redo}`);
    }
    if (offs[1] - offs[0] !== count * BYTES[dtype]) {
      throw new LmiError(`${where}: tensor "${name}" offsets [${offs.join(', ')}] do not match shape [${shape.join(', ')}] ${dtype}; ${redo}`);
    }
    tensors.set(name, { shape: [...shape], data: decodeData(`${where}: tensor "${name}"`, dtype, bytes.subarray(base + offs[0], base + offs[1]), count) });
  }
  return { tensors, metadata };
}

/** Read a .safetensors file. */
export function readSafetensors(file: string): SafetensorsFile {
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(file);
  } catch (e) {
    throw new LmiError(`${file}: cannot read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  return decodeSafetensors(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength), file);
}

/** Serialise tensors (sorted by name, so equal inputs give identical bytes). Float32Array → F32, Int32Array → I32. */
export function encodeSafetensors(tensors: Map<string, HostTensor> | Iterable<[string, HostTensor]>, metadata: Record<string, string> = {}): Buffer {
  const entries = [...tensors].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const header: Record<string, unknown> = {};
  if (Object.keys(metadata).length) header.__metadata__ = metadata;
  let offset = 0;
  for (const [name, t] of entries) {
    const count = t.shape.reduce((a, b) => a * b, 1);
    if (count !== t.data.length) throw new LmiError(`safetensors: tensor "${name}" has ${t.data.length} values for shape [${t.shape.join(', ')}]`);
    header[name] = { dtype: t.data instanceof Int32Array ? 'I32' : 'F32', shape: t.shape, data_offsets: [offset, offset + 4 * count] };
    offset += 4 * count;
  }
  let json = JSON.stringify(header);
  json += ' '.repeat((8 - ((8 + Buffer.byteLength(json)) % 8)) % 8);
  const headerBytes = Buffer.from(json, 'utf8');
  const out = Buffer.alloc(8 + headerBytes.length + offset);
  out.writeBigUInt64LE(BigInt(headerBytes.length), 0);
  headerBytes.copy(out, 8);
  let pos = 8 + headerBytes.length;
  for (const [, t] of entries) {
    const dv = new DataView(out.buffer, out.byteOffset + pos, 4 * t.data.length);
    if (LITTLE_ENDIAN) Buffer.from(t.data.buffer, t.data.byteOffset, t.data.byteLength).copy(out, pos);
    else if (t.data instanceof Int32Array) for (let i = 0; i < t.data.length; i++) dv.setInt32(4 * i, t.data[i], true);
    else for (let i = 0; i < t.data.length; i++) dv.setFloat32(4 * i, t.data[i], true);
    pos += 4 * t.data.length;
  }
  return out;
}

/** Write a .safetensors file atomically. */
export function writeSafetensors(file: string, tensors: Map<string, HostTensor> | Iterable<[string, HostTensor]>, metadata?: Record<string, string>): void {
  writeFileAtomic(file, encodeSafetensors(tensors, metadata), 'safetensors file');
}
