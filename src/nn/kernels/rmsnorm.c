/*
 * T5's layer norm (RMSNorm, src/nn/layer-norm.ts) forward and backward over rows of width d, each one kernel call
 * instead of ~6 tfjs kernels forward and ~20 backward (Square, Mean, Rsqrt, broadcast products and their gradients,
 * each with its own copies). For a row x, weight w:  r = 1 / √(mean(x²) + ε),  y = x · r · w
 *   backward, g = dy · w:  dx = r·g − (r³/d) · x · Σ_j g_j x_j,   dw = Σ_rows dy · x · r
 */
#include "vecmath.h"

/* y [rows, d] and r [rows] (kept for the backward pass). */
__attribute__((export_name("rmsnorm_fwd")))
void rmsnorm_fwd(const float* x, const float* w, float* y, float* r, int rows, int d, float eps) {
  const int d4 = d - d % 4;
  for (int i = 0; i < rows; i++) {
    const float* xi = x + (long)i * d;
    float* yi = y + (long)i * d;
    v128_t acc = wasm_f32x4_splat(0);
    for (int j = 0; j < d4; j += 4) { const v128_t v = wasm_v128_load(xi + j); acc = wasm_f32x4_add(acc, wasm_f32x4_mul(v, v)); }
    float ss = hsum(acc);
    for (int j = d4; j < d; j++) ss += xi[j] * xi[j];
    const float ri = 1.0f / __builtin_sqrtf(ss / d + eps);
    r[i] = ri;
    const v128_t rv = wasm_f32x4_splat(ri);
    for (int j = 0; j < d4; j += 4) wasm_v128_store(yi + j, wasm_f32x4_mul(wasm_f32x4_mul(wasm_v128_load(xi + j), rv), wasm_v128_load(w + j)));
    for (int j = d4; j < d; j++) yi[j] = xi[j] * ri * w[j];
  }
}

/* dx [rows, d] and dw [d] (summed over rows). */
__attribute__((export_name("rmsnorm_bwd")))
void rmsnorm_bwd(const float* x, const float* w, const float* r, const float* dy, float* dx, float* dw, int rows, int d) {
  const int d4 = d - d % 4;
  for (int j = 0; j < d; j++) dw[j] = 0;
  for (int i = 0; i < rows; i++) {
    const float* xi = x + (long)i * d;
    const float* gi = dy + (long)i * d;
    float* dxi = dx + (long)i * d;
    const float ri = r[i];
    const v128_t rv = wasm_f32x4_splat(ri);
    v128_t acc = wasm_f32x4_splat(0);
    for (int j = 0; j < d4; j += 4) {
      const v128_t xv = wasm_v128_load(xi + j), dyv = wasm_v128_load(gi + j);
      acc = wasm_f32x4_add(acc, wasm_f32x4_mul(wasm_f32x4_mul(dyv, wasm_v128_load(w + j)), xv));
      wasm_v128_store(dw + j, wasm_f32x4_add(wasm_v128_load(dw + j), wasm_f32x4_mul(wasm_f32x4_mul(dyv, xv), rv)));
    }
    float dot = hsum(acc);
    for (int j = d4; j < d; j++) { dot += gi[j] * w[j] * xi[j]; dw[j] += gi[j] * xi[j] * ri; }
    const float c = ri * ri * ri * dot / d;
    const v128_t cv = wasm_f32x4_splat(c);
    for (int j = 0; j < d4; j += 4) {
      const v128_t g = wasm_f32x4_mul(wasm_v128_load(gi + j), wasm_v128_load(w + j));
      wasm_v128_store(dxi + j, wasm_f32x4_sub(wasm_f32x4_mul(g, rv), wasm_f32x4_mul(wasm_v128_load(xi + j), cv)));
    }
    for (int j = d4; j < d; j++) dxi[j] = gi[j] * w[j] * ri - xi[j] * c;
  }
}
