/*
 * One AdamW update of a parameter tensor (src/train/adamw.ts has the formula), fused: the unfused tfjs ops make
 * ~15 kernel calls and 10 temporary tensors per parameter. Same operations in the same order as adamw.ts, so the
 * result is identical; outputs are written to fresh buffers (the variables are reassigned, never changed in place).
 *   g' = g · gscale;  m' = m·β1 + g'·(1 − β1);  v' = v·β2 + g'²·(1 − β2)     (1 − β computed by the caller, as there)
 *   p' = p·decay − (m' / (√v' / sqrtBc2 + ε)) · stepSize          (decay = 1 − lr·wd or 1, stepSize = lr / bc1)
 */
#include <wasm_simd128.h>

__attribute__((export_name("adamw")))
void adamw(const float* p, const float* g, const float* m, const float* v, float* po, float* mo, float* vo, int n,
           float gscale, float beta1, float oneMinusBeta1, float beta2, float oneMinusBeta2, float sqrtBc2, float eps,
           float decay, float stepSize) {
  const v128_t gs = wasm_f32x4_splat(gscale), b1 = wasm_f32x4_splat(beta1), c1 = wasm_f32x4_splat(oneMinusBeta1);
  const v128_t b2 = wasm_f32x4_splat(beta2), c2 = wasm_f32x4_splat(oneMinusBeta2), sb = wasm_f32x4_splat(sqrtBc2);
  const v128_t ep = wasm_f32x4_splat(eps), dc = wasm_f32x4_splat(decay), ss = wasm_f32x4_splat(stepSize);
  const int n4 = n - n % 4;
  for (int i = 0; i < n4; i += 4) {
    v128_t gi = wasm_v128_load(g + i);
    if (gscale != 1.0f) gi = wasm_f32x4_mul(gi, gs);
    const v128_t mi = wasm_f32x4_add(wasm_f32x4_mul(wasm_v128_load(m + i), b1), wasm_f32x4_mul(gi, c1));
    const v128_t vi = wasm_f32x4_add(wasm_f32x4_mul(wasm_v128_load(v + i), b2), wasm_f32x4_mul(wasm_f32x4_mul(gi, gi), c2));
    const v128_t denom = wasm_f32x4_add(wasm_f32x4_div(wasm_f32x4_sqrt(vi), sb), ep);
    v128_t pi = wasm_v128_load(p + i);
    if (decay != 1.0f) pi = wasm_f32x4_mul(pi, dc);
    wasm_v128_store(po + i, wasm_f32x4_sub(pi, wasm_f32x4_mul(wasm_f32x4_div(mi, denom), ss)));
    wasm_v128_store(mo + i, mi);
    wasm_v128_store(vo + i, vi);
  }
  for (int i = n4; i < n; i++) {
    float gi = g[i];
    if (gscale != 1.0f) gi = gi * gscale;
    const float mi = m[i] * beta1 + gi * oneMinusBeta1;
    const float vi = v[i] * beta2 + (gi * gi) * oneMinusBeta2;
    const float denom = __builtin_sqrtf(vi) / sqrtBc2 + eps;
    float pi = p[i];
    if (decay != 1.0f) pi = pi * decay;
    po[i] = pi - (mi / denom) * stepSize;
    mo[i] = mi;
    vo[i] = vi;
  }
}
