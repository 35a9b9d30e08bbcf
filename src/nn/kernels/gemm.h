#pragma once
/*
 * The matrix-product core shared by the wasm kernels (bmm.c, lmhead.c): C = A · B with a 4 × 8 tile of C held in
 * SIMD registers (wasm simd128) while it walks K. A is read through strides, so the same code serves A and Aᵀ
 * (element (r, k) at a[r·ars + k·aks]); B is row-major [K, N] and is copied block by block into `panel` first: its
 * rows can be a vocabulary apart (32 KB), and walking them directly costs a TLB miss per step. The kernels run inside tfjs-backend-wasm's own memory, so they use no static data and no stack: every
 * scratch buffer is passed in.
 *
 * MAC(acc, x, y) = acc + x·y: a fused multiply-add (relaxed SIMD `f32x4.relaxed_madd`) when built with -DFMA, else
 * a multiply then an add. clang 14 only emits the prototype `f32x4.fma` (acc + x·y, opcode 0xfd 0xaf 0x01), which
 * V8 rejects; scripts/build-kernels.sh rewrites it to the standard relaxed_madd (x·y + acc, 0xfd 0x85 0x02), so the
 * builtin is given its operands in madd order.
 */
#include <wasm_simd128.h>

#define ROWS 4
#define KC 256
#define NC 256
#ifdef FMA
#define MAC(acc, x, y) __builtin_wasm_fma_f32x4((x), (y), (acc))
#else
#define MAC(acc, x, y) wasm_f32x4_add((acc), wasm_f32x4_mul((x), (y)))
#endif

/* C[0:4, 0:8] (+)= A[0:4, 0:kc] · P where P is the packed kc × 8 panel. acc: add to C instead of overwriting. */
static inline void tile4x8(const float* a, int ars, int aks, const float* p, float* c, int kc, int N, int acc) {
  v128_t c00, c01, c10, c11, c20, c21, c30, c31;
  if (acc) {
    c00 = wasm_v128_load(c); c01 = wasm_v128_load(c + 4);
    c10 = wasm_v128_load(c + N); c11 = wasm_v128_load(c + N + 4);
    c20 = wasm_v128_load(c + 2 * N); c21 = wasm_v128_load(c + 2 * N + 4);
    c30 = wasm_v128_load(c + 3 * N); c31 = wasm_v128_load(c + 3 * N + 4);
  } else {
    c00 = wasm_f32x4_splat(0); c01 = c00; c10 = c00; c11 = c00; c20 = c00; c21 = c00; c30 = c00; c31 = c00;
  }
  for (int k = 0; k < kc; k++) {
    const v128_t b0 = wasm_v128_load(p + k * 8), b1 = wasm_v128_load(p + k * 8 + 4);
    const float* ak = a + k * aks;
    v128_t a0 = wasm_f32x4_splat(ak[0]);
    c00 = MAC(c00, a0, b0); c01 = MAC(c01, a0, b1);
    a0 = wasm_f32x4_splat(ak[ars]);
    c10 = MAC(c10, a0, b0); c11 = MAC(c11, a0, b1);
    a0 = wasm_f32x4_splat(ak[2 * ars]);
    c20 = MAC(c20, a0, b0); c21 = MAC(c21, a0, b1);
    a0 = wasm_f32x4_splat(ak[3 * ars]);
    c30 = MAC(c30, a0, b0); c31 = MAC(c31, a0, b1);
  }
  wasm_v128_store(c, c00); wasm_v128_store(c + 4, c01);
  wasm_v128_store(c + N, c10); wasm_v128_store(c + N + 4, c11);
  wasm_v128_store(c + 2 * N, c20); wasm_v128_store(c + 2 * N + 4, c21);
  wasm_v128_store(c + 3 * N, c30); wasm_v128_store(c + 3 * N + 4, c31);
}

/* One row of C, columns [j0, N), over kc steps of K, B (leading dimension ldb) read in place. */
static void rowTail(const float* a, int aks, const float* b, int ldb, float* c, int kc, int N, int j0, int accum) {
  int j = j0;
  for (; j + 4 <= N; j += 4) {
    v128_t acc = accum ? wasm_v128_load(c + j) : wasm_f32x4_splat(0);
    for (int k = 0; k < kc; k++) acc = MAC(acc, wasm_f32x4_splat(a[k * aks]), wasm_v128_load(b + k * ldb + j));
    wasm_v128_store(c + j, acc);
  }
  for (; j < N; j++) {
    float s = accum ? c[j] : 0;
    for (int k = 0; k < kc; k++) s += a[k * aks] * b[k * ldb + j];
    c[j] = s;
  }
}

/* Pack B[k0 : k0+kc, j0 : j0+nc] (B row-major, leading dimension ldb) panel by panel: dst[(jj/8)·kc·8 + k·8 + q]. */
static void packBlock(const float* b, int ldb, int k0, int kc, int j0, int nc, float* dst) {
  const float* bk = b + (long)k0 * ldb + j0;
  for (int jj = 0; jj < nc; jj += 8) {
    float* pj = dst + jj * kc;
    for (int k = 0; k < kc; k++) {
      wasm_v128_store(pj + k * 8, wasm_v128_load(bk + (long)k * ldb + jj));
      wasm_v128_store(pj + k * 8 + 4, wasm_v128_load(bk + (long)k * ldb + jj + 4));
    }
  }
}

/* C[0:m4, j0 : j0+nc] (+)= A[0:m4, k0 : k0+kc] · (packed block), C leading dimension ldc: every 4-row strip of A
   walks all the panels. */
static void computeBlock(const float* a, int ars, int aks, const float* packed, float* c, int ldc, int m4, int k0, int kc, int j0, int nc, int acc) {
  const float* ak = a + (long)k0 * aks;
  for (int i = 0; i < m4; i += ROWS)
    for (int jj = 0; jj < nc; jj += 8) tile4x8(ak + (long)i * ars, ars, aks, packed + jj * kc, c + (long)i * ldc + j0 + jj, kc, ldc, acc);
}

/* The columns past the last multiple of 8 and the rows past the last multiple of 4, B read in place. */
static void tails(const float* a, int ars, int aks, const float* b, int ldb, float* c, int ldc, int M, int K, int N, int accumulate) {
  const int n8 = N - N % 8, m4 = M - M % ROWS;
  if (n8 < N)
    for (int i = 0; i < m4; i++) rowTail(a + (long)i * ars, aks, b, ldb, c + (long)i * ldc, K, N, n8, accumulate);
  for (int i = m4; i < M; i++) rowTail(a + (long)i * ars, aks, b, ldb, c + (long)i * ldc, K, N, 0, accumulate);
}

/*
 * C [M, N] (+)= A · B with leading dimensions: A element (r, k) at a[r·ars + k·aks], B [K, N] rows ldb apart, C rows
 * ldc apart; panel: KC × NC floats of scratch. Blocked as in GotoBLAS: a KC × NC block of B is packed panel by panel
 * (8 columns each, 256 KB, stays in L2) and every 4-row strip of A (4 × KC, in L1) walks all its panels, so A is
 * read once per column block, not per panel.
 */
static void gemmLd(const float* a, int ars, int aks, const float* b, int ldb, float* c, int ldc, int M, int K, int N, int accumulate, float* panel) {
  const int n8 = N - N % 8, m4 = M - M % ROWS;
  for (int j0 = 0; j0 < n8; j0 += NC) {
    const int nc = n8 - j0 < NC ? n8 - j0 : NC;
    for (int k0 = 0; k0 < K; k0 += KC) {
      const int kc = K - k0 < KC ? K - k0 : KC;
      packBlock(b, ldb, k0, kc, j0, nc, panel);
      computeBlock(a, ars, aks, panel, c, ldc, m4, k0, kc, j0, nc, accumulate || k0 > 0);
    }
  }
  tails(a, ars, aks, b, ldb, c, ldc, M, K, N, accumulate);
}

/* gemmLd for contiguous B [K, N] and C [M, N]. */
static void gemm(const float* a, int ars, int aks, const float* b, float* c, int M, int K, int N, int accumulate, float* panel) {
  gemmLd(a, ars, aks, b, N, c, N, M, K, N, accumulate, panel);
}

/* All of B [K, N] packed once, block after block in gemm's order (K × (N − N mod 8) floats at dst). */
static void packAll(const float* b, int K, int N, float* dst) {
  const int n8 = N - N % 8;
  for (int j0 = 0; j0 < n8; j0 += NC) {
    const int nc = n8 - j0 < NC ? n8 - j0 : NC;
    for (int k0 = 0; k0 < K; k0 += KC) packBlock(b, N, k0, K - k0 < KC ? K - k0 : KC, j0, nc, dst + (long)j0 * K + (long)k0 * nc);
  }
}

/* gemm with B packed beforehand by packAll (for a B reused across calls); b is still read for the tails. */
static void gemmPacked(const float* a, int ars, int aks, const float* packed, const float* b, float* c, int M, int K, int N, int accumulate) {
  const int n8 = N - N % 8, m4 = M - M % ROWS;
  for (int j0 = 0; j0 < n8; j0 += NC) {
    const int nc = n8 - j0 < NC ? n8 - j0 : NC;
    for (int k0 = 0; k0 < K; k0 += KC)
      computeBlock(a, ars, aks, packed + (long)j0 * K + (long)k0 * nc, c, N, m4, k0, K - k0 < KC ? K - k0 : KC, j0, nc, accumulate || k0 > 0);
  }
  tails(a, ars, aks, b, N, c, N, M, K, N, accumulate);
}
