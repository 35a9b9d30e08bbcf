/**
 * Natural log of the gamma function for x > 0, accurate to ~1e-15 relative.
 * Shifts x up to ≥ 10 with the recurrence Γ(x+1) = xΓ(x), then uses Stirling's series to the x^-9 term.
 */
export function logGamma(x: number): number {
  if (!(x > 0)) throw new RangeError(`logGamma: x must be > 0, got ${x}`);
  let shift = 0;
  let prod = 1;
  while (x < 10) {
    prod *= x;
    x += 1;
    shift++;
  }
  const inv = 1 / x;
  const inv2 = inv * inv;
  const series = inv * (1 / 12 - inv2 * (1 / 360 - inv2 * (1 / 1260 - inv2 * (1 / 1680 - inv2 * (1 / 1188)))));
  const stirling = (x - 0.5) * Math.log(x) - x + 0.5 * Math.log(2 * Math.PI) + series;
  return shift > 0 ? stirling - Math.log(prod) : stirling;
}

/** Table t with t[k] = log(k!) = logGamma(k + 1) for k = 0..n; each entry computed independently (no drift). */
export function logFactorialTable(n: number): Float64Array {
  const table = new Float64Array(n + 1);
  for (let k = 2; k <= n; k++) table[k] = logGamma(k + 1);
  return table;
}
