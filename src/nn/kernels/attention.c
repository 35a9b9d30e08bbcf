/*
 * T5 attention core for heads stored side by side (src/nn/attention.ts, self-attention while training): for every
 * batch row b and head h, with Q, K, V read in place from [B·L, ld] matrices (head h = columns h·dk … h·dk + dk − 1,
 * so the fused QKV projection is read without splitting or transposing it):
 *   S = Q Kᵀ + bias,  P = softmax(S) row-wise,  P' = P ∘ M (dropout mask, optional),  O = P' V
 * O is written with heads merged ([B·Lq, H·dk], the output projection's input). P is kept for the backward pass:
 *   dP' = dO Vᵀ,  dV = P'ᵀ dO,  dP = dP' ∘ M,  dS = P ∘ (dP − rowsum(dP ∘ P)),  dQ = dS K,  dK = dSᵀ Q,  dbias = dS
 * (dbias summed over b when the bias has batch 1). No 1/√dk scaling (T5 folds it into the initialisation).
 * scratch: dk·Lk + 2·Lq·Lk floats, then the gemm panel (KC × NC).
 */
#include "gemm.h"
#include "vecmath.h"

/* Row-wise softmax of S [rows, n] in place (exp of x − max; exp4 saturates below −87, e.g. masked entries). */
static void softmaxRows(float* s, int rows, int n) {
  for (int i = 0; i < rows; i++) {
    float* r = s + (long)i * n;
    const float inv = 1.0f / expShiftSum(r, n, rowMax(r, n));
    for (int j = 0; j < n; j++) r[j] *= inv;
  }
}

/* dst [cols, rows] = src [rows, cols]ᵀ, src rows ld apart. */
static void transposeInto(const float* src, int ld, int rows, int cols, float* dst) {
  for (int i = 0; i < rows; i++)
    for (int j = 0; j < cols; j++) dst[j * rows + i] = src[(long)i * ld + j];
}

__attribute__((export_name("attn_fwd")))
void attn_fwd(const float* q, int ldq, const float* k, int ldk, const float* v, int ldv, const float* bias, int biasBatch,
              const float* mask, float* out, float* probs, int B, int H, int Lq, int Lk, int dk, float* scratch) {
  float* kt = scratch;                  /* [dk, Lk] */
  float* pd = kt + dk * Lk;             /* [Lq, Lk] P' when there is a mask */
  float* panel = pd + 2 * Lq * Lk;
  const int ldo = H * dk, LL = Lq * Lk;
  for (int b = 0; b < B; b++)
    for (int h = 0; h < H; h++) {
      const float* qb = q + (long)b * Lq * ldq + h * dk;
      const float* kb = k + (long)b * Lk * ldk + h * dk;
      const float* vb = v + (long)b * Lk * ldv + h * dk;
      float* s = probs + ((long)b * H + h) * LL;
      transposeInto(kb, ldk, Lk, dk, kt);
      gemmLd(qb, ldq, 1, kt, Lk, s, Lk, Lq, dk, Lk, 0, panel);
      if (bias) {
        const float* bb = bias + ((long)(biasBatch == 1 ? 0 : b) * H + h) * LL;
        for (int i = 0; i < LL; i++) s[i] += bb[i];
      }
      softmaxRows(s, Lq, Lk);
      const float* p = s;
      if (mask) {
        const float* mb = mask + ((long)b * H + h) * LL;
        for (int i = 0; i < LL; i++) pd[i] = s[i] * mb[i];
        p = pd;
      }
      gemmLd(p, Lk, 1, vb, ldv, out + (long)b * Lq * ldo + h * dk, ldo, Lq, Lk, dk, 0, panel);
    }
}

__attribute__((export_name("attn_bwd")))
void attn_bwd(const float* q, int ldq, const float* k, int ldk, const float* v, int ldv, const float* probs, const float* mask,
              const float* dout, float* dq, float* dkk, float* dv, float* dbias, int biasBatch, int B, int H, int Lq, int Lk, int dk,
              float* scratch) {
  float* vt = scratch;                  /* [dk, Lk] */
  float* pd = vt + dk * Lk;             /* [Lq, Lk] P' */
  float* dp = pd + Lq * Lk;             /* [Lq, Lk] dP', then dS */
  float* panel = dp + Lq * Lk;
  const int ldo = H * dk, LL = Lq * Lk;
  if (dbias)
    for (long i = 0; i < (long)(biasBatch == 1 ? 1 : B) * H * LL; i++) dbias[i] = 0;
  for (int b = 0; b < B; b++)
    for (int h = 0; h < H; h++) {
      const float* qb = q + (long)b * Lq * ldq + h * dk;
      const float* kb = k + (long)b * Lk * ldk + h * dk;
      const float* vb = v + (long)b * Lk * ldv + h * dk;
      const float* dob = dout + (long)b * Lq * ldo + h * dk;
      const float* p = probs + ((long)b * H + h) * LL;
      const float* mb = mask ? mask + ((long)b * H + h) * LL : 0;
      const float* pp = p;
      if (mb) {
        for (int i = 0; i < LL; i++) pd[i] = p[i] * mb[i];
        pp = pd;
      }
      transposeInto(vb, ldv, Lk, dk, vt);
      gemmLd(dob, ldo, 1, vt, Lk, dp, Lk, Lq, dk, Lk, 0, panel);                         /* dP' = dO Vᵀ */
      gemmLd(pp, 1, Lk, dob, ldo, dv + (long)b * Lk * ldv + h * dk, ldv, Lk, Lq, dk, 0, panel); /* dV = P'ᵀ dO */
      for (int i = 0; i < Lq; i++) {
        float* r = dp + (long)i * Lk;
        const float* pr = p + (long)i * Lk;
        if (mb) for (int j = 0; j < Lk; j++) r[j] *= mb[(long)i * Lk + j];
        float dot = 0;
        for (int j = 0; j < Lk; j++) dot += r[j] * pr[j];
        for (int j = 0; j < Lk; j++) r[j] = pr[j] * (r[j] - dot);
      }
      if (dbias) {
        float* db = dbias + ((long)(biasBatch == 1 ? 0 : b) * H + h) * LL;
        for (int i = 0; i < LL; i++) db[i] += dp[i];
      }
      gemmLd(dp, Lk, 1, kb, ldk, dq + (long)b * Lq * ldq + h * dk, ldq, Lq, Lk, dk, 0, panel);  /* dQ = dS K */
      gemmLd(dp, 1, Lk, qb, ldq, dkk + (long)b * Lk * ldk + h * dk, ldk, Lk, Lq, dk, 0, panel); /* dK = dSᵀ Q */
    }
}
