/*
 * Batched matrix product for the wasm backend: C[g] = A[g] · B[g], A [G, M, K], B [G, K, N], C [G, M, N], all
 * row-major float32. tfjs-backend-wasm 4.x runs every batched product (batch > 1) through a scalar, cache-unfriendly
 * loop (~0.5 GFLOPS here); this kernel keeps a 4 × 8 tile of C in SIMD registers (wasm simd128) while it walks K.
 * Built by scripts/build-kernels.sh into bmm.wasm (committed, so no compiler is needed to use it).
 */
#include <wasm_simd128.h>

#define ROWS 4

static void tile4x8(const float* a, const float* b, float* c, int K, int N, int lda) {
  v128_t c00 = wasm_f32x4_splat(0), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00, c30 = c00, c31 = c00;
  for (int k = 0; k < K; k++) {
    const v128_t b0 = wasm_v128_load(b + k * N), b1 = wasm_v128_load(b + k * N + 4);
    v128_t a0 = wasm_f32x4_splat(a[k]);
    c00 = wasm_f32x4_add(c00, wasm_f32x4_mul(a0, b0));
    c01 = wasm_f32x4_add(c01, wasm_f32x4_mul(a0, b1));
    a0 = wasm_f32x4_splat(a[lda + k]);
    c10 = wasm_f32x4_add(c10, wasm_f32x4_mul(a0, b0));
    c11 = wasm_f32x4_add(c11, wasm_f32x4_mul(a0, b1));
    a0 = wasm_f32x4_splat(a[2 * lda + k]);
    c20 = wasm_f32x4_add(c20, wasm_f32x4_mul(a0, b0));
    c21 = wasm_f32x4_add(c21, wasm_f32x4_mul(a0, b1));
    a0 = wasm_f32x4_splat(a[3 * lda + k]);
    c30 = wasm_f32x4_add(c30, wasm_f32x4_mul(a0, b0));
    c31 = wasm_f32x4_add(c31, wasm_f32x4_mul(a0, b1));
  }
  wasm_v128_store(c, c00); wasm_v128_store(c + 4, c01);
  wasm_v128_store(c + N, c10); wasm_v128_store(c + N + 4, c11);
  wasm_v128_store(c + 2 * N, c20); wasm_v128_store(c + 2 * N + 4, c21);
  wasm_v128_store(c + 3 * N, c30); wasm_v128_store(c + 3 * N + 4, c31);
}

/* One row of C, columns [j0, N): 4-wide then scalar. */
static void rowTail(const float* a, const float* b, float* c, int K, int N, int j0) {
  int j = j0;
  for (; j + 4 <= N; j += 4) {
    v128_t acc = wasm_f32x4_splat(0);
    for (int k = 0; k < K; k++) acc = wasm_f32x4_add(acc, wasm_f32x4_mul(wasm_f32x4_splat(a[k]), wasm_v128_load(b + k * N + j)));
    wasm_v128_store(c + j, acc);
  }
  for (; j < N; j++) {
    float s = 0;
    for (int k = 0; k < K; k++) s += a[k] * b[k * N + j];
    c[j] = s;
  }
}

__attribute__((export_name("bmm_nn")))
void bmm_nn(const float* a, const float* b, float* c, int G, int M, int K, int N) {
  const int n8 = N - N % 8, m4 = M - M % ROWS;
  for (int g = 0; g < G; g++) {
    const float* ag = a + (long)g * M * K;
    const float* bg = b + (long)g * K * N;
    float* cg = c + (long)g * M * N;
    /* Column panels outside, row blocks inside: the K × 8 strip of B stays in cache while every row block of A
       walks it (B can be large: the LM head's K × vocab gradient operand). */
    for (int j = 0; j < n8; j += 8)
      for (int i = 0; i < m4; i += ROWS) tile4x8(ag + i * K, bg + j, cg + i * N + j, K, N, K);
    if (n8 < N)
      for (int i = 0; i < m4; i++) rowTail(ag + i * K, bg, cg + i * N, K, N, n8);
    for (int i = m4; i < M; i++) rowTail(ag + i * K, bg, cg + i * N, K, N, 0);
  }
}
