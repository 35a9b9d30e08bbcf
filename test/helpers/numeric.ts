/** ‖a − ref‖₂ / ‖ref‖₂ over two equally long vectors (throws when the reference is all zeros: nothing to compare). */
export function relativeL2Error(a: ArrayLike<number>, ref: ArrayLike<number>): number {
  if (a.length !== ref.length) throw new Error(`relativeL2Error: lengths differ (${a.length} vs ${ref.length})`);
  let num = 0;
  let den = 0;
  for (let j = 0; j < ref.length; j++) {
    num += (a[j] - ref[j]) ** 2;
    den += ref[j] ** 2;
  }
  if (den === 0) throw new Error('relativeL2Error: the reference is all zeros');
  return Math.sqrt(num / den);
}
