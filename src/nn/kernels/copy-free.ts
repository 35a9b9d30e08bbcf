/**
 * tfjs-backend-wasm kernels replaced by ones that do not copy through JavaScript memory (registered once per thread
 * by `initBackend`, after the backend loaded):
 *
 * - Identity copies its input. tfjs calls it for every tensor a gradient saves (each `save` of a custom op, each
 *   input a built-in gradient keeps): ~280 copies of activations per small-T5 training step. tfjs tensors are
 *   immutable and no wasm kernel writes into its inputs, so an identity can share the data, as the cpu backend's
 *   does (one more reference, no copy).
 * - Slice (and SplitV and Unpack, which call it once per output) first reads the *whole* input out of the wasm heap into a
 *   fresh ArrayBuffer (`readSync`), then copies the slice back in: splitting a [2048, 1024] activation in two made
 *   two 8 MB buffers of garbage. V8 counts such buffers as external memory and answers with extra scavenges and
 *   mark-compacts (every step, in every replica), on helper threads that compete with the replicas for the cores.
 *   Here both read the input through a view of the heap.
 */
import * as tf from '@tensorflow/tfjs';

interface HeapBackend {
  incRef(dataId: object): void;
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  typedArrayFromHeap(t: tf.TensorInfo): Float32Array | Int32Array | Uint8Array;
}

/** Shape-only view of a tensor's data. */
type Info = tf.TensorInfo;

/** Copy `x[begin : begin + size]` (any rank) into a new output through heap views. */
function sliceFromHeap(backend: HeapBackend, x: Info, begin: number[], size: number[], outShape = size): Info {
  const out = backend.makeOutput(outShape, x.dtype);
  // Views after makeOutput: an allocation may grow the heap and detach earlier views.
  const src = backend.typedArrayFromHeap(x);
  const dst = backend.typedArrayFromHeap(out);
  const rank = x.shape.length;
  const strides = tf.util.computeStrides(x.shape);
  const n = size.reduce((a, b) => a * b, 1);
  if (n === 0) return out;
  if (tf.slice_util.isSliceContinous(x.shape, begin, size)) {
    const off = tf.slice_util.computeFlatOffset(begin, strides);
    dst.set(src.subarray(off, off + n));
    return out;
  }
  // Copy innermost runs; `idx` walks the outer rank − 1 dimensions of the slice like an odometer.
  const run = size[rank - 1];
  const idx = new Array<number>(Math.max(0, rank - 1)).fill(0);
  for (let o = 0; o < n; o += run) {
    let from = begin[rank - 1];
    for (let a = 0; a < rank - 1; a++) from += (begin[a] + idx[a]) * strides[a];
    dst.set(src.subarray(from, from + run), o);
    for (let a = rank - 2; a >= 0; a--) {
      if (++idx[a] < size[a]) break;
      idx[a] = 0;
    }
  }
  return out;
}

let registered = false;

/** Replace the wasm backend's Identity, Slice, SplitV and Unpack (once per thread; call after the backend loaded). */
export function copyFreeKernelsOnWasm(): void {
  if (registered) return;
  const original = (name: string): tf.KernelFunc => tf.getKernel(name, 'wasm')!.kernelFunc;
  const slice = original('Slice');
  const splitV = original('SplitV');
  const unpack = original('Unpack');
  const replace = (kernelName: string, kernelFunc: tf.KernelFunc): void => {
    tf.unregisterKernel(kernelName, 'wasm');
    tf.registerKernel({ kernelName, backendName: 'wasm', kernelFunc });
  };
  replace('Identity', ({ inputs, backend }) => {
    const x = inputs.x as Info;
    (backend as unknown as HeapBackend).incRef(x.dataId);
    return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
  });
  replace('Slice', (args) => {
    const x = args.inputs.x as Info;
    if (x.dtype === 'string') return slice(args);
    const attrs = args.attrs as unknown as { begin: number | number[]; size: number | number[] };
    const [begin, size] = tf.slice_util.parseSliceParams(x as tf.Tensor, attrs.begin, attrs.size);
    return sliceFromHeap(args.backend as unknown as HeapBackend, x, begin, size);
  });
  replace('SplitV', (args) => {
    const x = args.inputs.x as Info;
    if (x.dtype === 'string') return splitV(args);
    const attrs = args.attrs as unknown as { numOrSizeSplits: number | number[]; axis: number | number[] };
    const axis = tf.util.parseAxisParam(attrs.axis, x.shape)[0];
    const sizes = tf.backend_util.prepareSplitSize(x as tf.Tensor, attrs.numOrSizeSplits, axis);
    const begin = new Array<number>(x.shape.length).fill(0);
    return sizes.map((s) => {
      const size = [...x.shape];
      size[axis] = s;
      const out = sliceFromHeap(args.backend as unknown as HeapBackend, x, [...begin], size);
      begin[axis] += s;
      return out;
    });
  });
  replace('Unpack', (args) => {
    const x = args.inputs.value as Info;
    if (x.dtype === 'string') return unpack(args);
    const rank = x.shape.length;
    const axis = ((args.attrs as unknown as { axis: number }).axis + rank) % rank;
    const size = x.shape.map((d, a) => (a === axis ? 1 : d));
    const outShape = x.shape.filter((_, a) => a !== axis);
    return Array.from({ length: x.shape[axis] }, (_, i) => {
      const begin = x.shape.map((_d, a) => (a === axis ? i : 0));
      return sliceFromHeap(args.backend as unknown as HeapBackend, x, begin, size, outShape);
    });
  });
  registered = true;
}
