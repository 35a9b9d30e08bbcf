/*
 * Language-model head + softmax cross-entropy, forward and backward in one pass over chunks of R rows, so the
 * [N, V] logits never exist whole (at batch 32 × 64 targets and an 8,000-word vocabulary they are 65 MB, written
 * once and read three times by the unfused ops). For h [N, d], w [d, V] and targets t [N]:
 *   sums[i]    = Σ_v exp(l_iv − max_i),  shifted[i] = l_it − max_i    (loss_i = log sums[i] − shifted[i], Eq 7's term)
 *   dh = (P − Y) · wᵀ [N, d],  dw = hᵀ · (P − Y) [d, V]                (gradients of Σ_i loss_i)
 * where l = h·w, P = softmax(l) row-wise and Y the one-hot targets. With grad = 0 only sums/shifted are written.
 * Scratch (in tfjs' memory, see gemm.h): wt [V, d], w and wt packed once per call (pw, pwt: d × V each), p [R, V],
 * panel [KC × NC].
 */
#include "gemm.h"

#include "vecmath.h"

/* One row of logits: writes exp(l − max) in place (then the probabilities when normalise), returns the sum. */
static float softmaxRow(float* l, int V, int t, float* shifted, int normalise) {
  const float m = rowMax(l, V);
  *shifted = l[t] - m;
  const float s = expShiftSum(l, V, m);
  if (normalise) {
    const int v4 = V - V % 4;
    const float inv = 1.0f / s;
    const v128_t iv = wasm_f32x4_splat(inv);
    for (int v = 0; v < v4; v += 4) wasm_v128_store(l + v, wasm_f32x4_mul(wasm_v128_load(l + v), iv));
    for (int v = v4; v < V; v++) l[v] *= inv;
  }
  return s;
}

__attribute__((export_name("lm_head_xent")))
void lm_head_xent(const float* h, const float* w, const int* targets, int N, int d, int V, int R, int grad,
                  float* sums, float* shifted, float* dh, float* dw, float* wt, float* pw, float* pwt, float* p, float* panel) {
  packAll(w, d, V, pw);
  if (grad) {
    for (int j = 0; j < d; j++)
      for (int v = 0; v < V; v++) wt[v * d + j] = w[j * V + v];
    packAll(wt, V, d, pwt);
  }
  for (int r0 = 0; r0 < N; r0 += R) {
    const int rows = N - r0 < R ? N - r0 : R;
    const float* hr = h + (long)r0 * d;
    gemmPacked(hr, d, 1, pw, w, p, rows, d, V, 0);
    for (int i = 0; i < rows; i++) {
      float* l = p + (long)i * V;
      const int t = targets[r0 + i];
      sums[r0 + i] = softmaxRow(l, V, t, shifted + r0 + i, grad);
      if (grad) l[t] -= 1.0f;
    }
    if (!grad) continue;
    gemmPacked(p, V, 1, pwt, wt, dh + (long)r0 * d, rows, V, d, 0);
    gemm(hr, 1, d, p, dw, d, rows, V, r0 > 0, panel);
  }
}
