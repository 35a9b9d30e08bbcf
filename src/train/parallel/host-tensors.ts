/** Variables as plain data that crosses a thread boundary (worker arguments), and back. */
import * as tf from '@tensorflow/tfjs';
import { LmiError } from '../../errors';

/** A variable's value as plain data. */
export interface FrozenTensor {
  name: string;
  shape: number[];
  data: Float32Array;
}

/** Copies of `params` (those `keep` accepts) as plain data. */
export function hostTensors(params: ReadonlyMap<string, tf.Variable>, keep: (name: string) => boolean = () => true): FrozenTensor[] {
  const out: FrozenTensor[] = [];
  for (const [name, v] of params) if (keep(name)) out.push({ name, shape: [...v.shape], data: Float32Array.from(v.dataSync() as Float32Array) });
  return out;
}

/** Assign each frozen tensor to the variable of the same name and shape; `where` names the receiver in errors. */
export function assignHostTensors(params: ReadonlyMap<string, tf.Variable>, tensors: readonly FrozenTensor[], where: string): void {
  for (const f of tensors) {
    const v = params.get(f.name);
    if (!v || v.shape.join() !== f.shape.join()) throw new LmiError(`${where}: tensor "${f.name}" [${f.shape}] has no match in the rebuilt model`);
    tf.tidy(() => v.assign(tf.tensor(f.data, f.shape, 'float32')));
  }
}
