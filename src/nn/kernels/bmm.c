/*
 * Batched matrix products for the wasm backend, run on tensors in tfjs-backend-wasm's memory (see gemm.h).
 * tfjs-backend-wasm 4.x sends every product with batch > 1 (attention's [B·H, L, d_kv]) and every transposed
 * operand through a scalar loop, and re-packs a B it has not seen before (every activation gradient) on each call.
 *   bmm_nn: C[g] = A[g] · B[g],  A [G, M, K]
 *   bmm_tn: C[g] = A[g]ᵀ · B[g], A [G, K, M] (the weight gradient xᵀ·dy without materialising xᵀ)
 * B [G, K, N], C [G, M, N], row-major float32; panel: KC × NC floats of scratch (gemm.h).
 */
#include "gemm.h"

__attribute__((export_name("bmm_nn")))
void bmm_nn(const float* a, const float* b, float* c, int G, int M, int K, int N, float* panel) {
  for (int g = 0; g < G; g++)
    gemm(a + (long)g * M * K, K, 1, b + (long)g * K * N, c + (long)g * M * N, M, K, N, 0, panel);
}

__attribute__((export_name("bmm_tn")))
void bmm_tn(const float* a, const float* b, float* c, int G, int M, int K, int N, float* panel) {
  for (int g = 0; g < G; g++)
    gemm(a + (long)g * M * K, 1, M, b + (long)g * K * N, c + (long)g * M * N, M, K, N, 0, panel);
}
