#pragma once
/* Vector helpers shared by the kernels: exp for non-positive inputs, horizontal max and sum, row max and exp-sum. */
#include <wasm_simd128.h>

/* exp(x) for x ≤ 0 (logits minus their row max): 2^n · poly(r), x = n·ln2 + r, |r| ≤ ln2/2 (rel. error ~1e-7). */
static inline v128_t exp4(v128_t x) {
  x = wasm_f32x4_max(x, wasm_f32x4_splat(-87.0f));
  const v128_t n = wasm_f32x4_nearest(wasm_f32x4_mul(x, wasm_f32x4_splat(1.44269504f)));
  v128_t r = wasm_f32x4_sub(x, wasm_f32x4_mul(n, wasm_f32x4_splat(0.693145751953125f)));
  r = wasm_f32x4_sub(r, wasm_f32x4_mul(n, wasm_f32x4_splat(1.428606765330187e-6f)));
  v128_t p = wasm_f32x4_splat(1.0f / 720);
  p = wasm_f32x4_add(wasm_f32x4_mul(p, r), wasm_f32x4_splat(1.0f / 120));
  p = wasm_f32x4_add(wasm_f32x4_mul(p, r), wasm_f32x4_splat(1.0f / 24));
  p = wasm_f32x4_add(wasm_f32x4_mul(p, r), wasm_f32x4_splat(1.0f / 6));
  p = wasm_f32x4_add(wasm_f32x4_mul(p, r), wasm_f32x4_splat(0.5f));
  p = wasm_f32x4_add(wasm_f32x4_mul(p, r), wasm_f32x4_splat(1.0f));
  p = wasm_f32x4_add(wasm_f32x4_mul(p, r), wasm_f32x4_splat(1.0f));
  return wasm_i32x4_add(p, wasm_i32x4_shl(wasm_i32x4_trunc_sat_f32x4(n), 23));
}

static inline float exp1(float x) { return wasm_f32x4_extract_lane(exp4(wasm_f32x4_splat(x)), 0); }

static inline float hmax(v128_t v) {
  const v128_t m = wasm_f32x4_max(v, wasm_i32x4_shuffle(v, v, 2, 3, 0, 1));
  const float a = wasm_f32x4_extract_lane(m, 0), b = wasm_f32x4_extract_lane(m, 1);
  return a > b ? a : b;
}

static inline float hsum(v128_t v) {
  return (wasm_f32x4_extract_lane(v, 0) + wasm_f32x4_extract_lane(v, 1)) + (wasm_f32x4_extract_lane(v, 2) + wasm_f32x4_extract_lane(v, 3));
}


/* Maximum of r[0 : n] (n ≥ 1). */
static inline float rowMax(const float* r, int n) {
  const int n4 = n - n % 4;
  v128_t mv = wasm_f32x4_splat(-3.4e38f);
  for (int j = 0; j < n4; j += 4) mv = wasm_f32x4_max(mv, wasm_v128_load(r + j));
  float m = n4 ? hmax(mv) : -3.4e38f;
  for (int j = n4; j < n; j++) if (r[j] > m) m = r[j];
  return m;
}

/* r[j] ← exp(r[j] − m) in place (m the row max); returns their sum. */
static inline float expShiftSum(float* r, int n, float m) {
  const int n4 = n - n % 4;
  const v128_t mm = wasm_f32x4_splat(m);
  v128_t sv = wasm_f32x4_splat(0);
  for (int j = 0; j < n4; j += 4) {
    const v128_t e = exp4(wasm_f32x4_sub(wasm_v128_load(r + j), mm));
    wasm_v128_store(r + j, e);
    sv = wasm_f32x4_add(sv, e);
  }
  float s = hsum(sv);
  for (int j = n4; j < n; j++) { r[j] = exp1(r[j] - m); s += r[j]; }
  return s;
}
