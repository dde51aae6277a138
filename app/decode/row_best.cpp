#include "app/decode/row_best.h"

#include <ATen/Parallel.h>
#include <immintrin.h>
#include <torch/torch.h>

#include <algorithm>
#include <cmath>
#include <limits>

#include "common/error.h"
#include "models/vector_isa.h"

namespace nmt {
namespace {

constexpr float kNegInf = -std::numeric_limits<float>::infinity();

// exp(x) for x <= 0: Cephes' range reduction x = n ln 2 + r and polynomial
// for exp(r), then 2^n (relative error ~1e-7, as ATen's vectorized exp). The
// same steps in scalar code and in vector registers below.
constexpr float kLog2e = 1.44269504088896341f, kLn2High = 0.693359375f, kLn2Low = -2.12194440e-4f;
constexpr float kExpPoly[] = {1.9875691500e-4f, 1.3981999507e-3f, 8.3334519073e-3f,
                              4.1665795894e-2f, 1.6666665459e-1f, 5.0000001201e-1f};

float exp_nonpositive(float x) {
  x = std::max(x, -87.0f);
  const float n = std::floor(x * kLog2e + 0.5f);
  const float r = (x - n * kLn2High) - n * kLn2Low;
  float p = kExpPoly[0];
  for (int i = 1; i < 6; ++i) p = p * r + kExpPoly[i];
  return std::ldexp(p * r * r + r + 1.0f, static_cast<int>(n));
}

// The k best of a row, kept sorted (best first); k is small (2 x beam).
struct Best {
  float* value;
  int64_t* index;
  int64_t k, count = 0;

  float bar() const { return count < k ? kNegInf : value[k - 1]; }
  bool full() const { return count == k; }
  void offer(float x, int64_t i) {
    if (count == k && !(x > value[k - 1])) return;
    int64_t at = count < k ? count++ : k - 1;
    for (; at > 0 && x > value[at - 1]; --at) value[at] = value[at - 1], index[at] = index[at - 1];
    value[at] = x, index[at] = i;
  }
};

// Each kernel: one pass for the maximum and the best (a block of lanes is
// offered one by one only when one of them beats the current k-th best, or
// while fewer than k are held), one pass for sum(exp(x - top)).
struct Generic {
  static float scan(const float* x, int64_t n, Best& best) {
    float top = kNegInf;
    for (int64_t i = 0; i < n; ++i) top = std::max(top, x[i]), best.offer(x[i], i);
    return top;
  }
  static float sum_exp(const float* x, int64_t n, float top) {
    float sum = 0;
    for (int64_t i = 0; i < n; ++i) sum += exp_nonpositive(x[i] - top);
    return sum;
  }
};

NMT_TARGET_AVX2 inline __m256 exp8(__m256 x) {
  x = _mm256_max_ps(x, _mm256_set1_ps(-87.0f));
  const __m256 n = _mm256_floor_ps(_mm256_fmadd_ps(x, _mm256_set1_ps(kLog2e), _mm256_set1_ps(0.5f)));
  __m256 r = _mm256_fnmadd_ps(n, _mm256_set1_ps(kLn2High), x);
  r = _mm256_fnmadd_ps(n, _mm256_set1_ps(kLn2Low), r);
  __m256 p = _mm256_set1_ps(kExpPoly[0]);
  for (int i = 1; i < 6; ++i) p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(kExpPoly[i]));
  p = _mm256_add_ps(_mm256_fmadd_ps(_mm256_mul_ps(p, r), r, r), _mm256_set1_ps(1.0f));
  const __m256i e = _mm256_slli_epi32(_mm256_add_epi32(_mm256_cvtps_epi32(n), _mm256_set1_epi32(127)), 23);
  return _mm256_mul_ps(p, _mm256_castsi256_ps(e));
}

struct Avx2 {
  NMT_TARGET_AVX2 static float scan(const float* x, int64_t n, Best& best) {
    __m256 top = _mm256_set1_ps(kNegInf), bar = _mm256_set1_ps(best.bar());
    int64_t i = 0;
    for (; i + 8 <= n; i += 8) {
      const __m256 v = _mm256_loadu_ps(x + i);
      top = _mm256_max_ps(top, v);
      if (!best.full() || _mm256_movemask_ps(_mm256_cmp_ps(v, bar, _CMP_GT_OQ)) != 0) {
        for (int j = 0; j < 8; ++j) best.offer(x[i + j], i + j);
        bar = _mm256_set1_ps(best.bar());
      }
    }
    alignas(32) float lanes[8];
    _mm256_store_ps(lanes, top);
    float result = *std::max_element(lanes, lanes + 8);
    for (; i < n; ++i) result = std::max(result, x[i]), best.offer(x[i], i);
    return result;
  }
  NMT_TARGET_AVX2 static float sum_exp(const float* x, int64_t n, float top) {
    __m256 acc = _mm256_setzero_ps();
    const __m256 shift = _mm256_set1_ps(top);
    int64_t i = 0;
    for (; i + 8 <= n; i += 8) acc = _mm256_add_ps(acc, exp8(_mm256_sub_ps(_mm256_loadu_ps(x + i), shift)));
    alignas(32) float lanes[8];
    _mm256_store_ps(lanes, acc);
    float sum = 0;
    for (float lane : lanes) sum += lane;
    for (; i < n; ++i) sum += exp_nonpositive(x[i] - top);
    return sum;
  }
};

// GCC 12 warns about its own AVX-512 headers' placeholder registers (_mm512_undefined_ps).
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wuninitialized"
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"

NMT_TARGET_AVX512 inline __m512 exp16(__m512 x) {
  x = _mm512_max_ps(x, _mm512_set1_ps(-87.0f));
  const __m512 n = _mm512_roundscale_ps(_mm512_fmadd_ps(x, _mm512_set1_ps(kLog2e), _mm512_set1_ps(0.5f)),
                                        _MM_FROUND_TO_NEG_INF | _MM_FROUND_NO_EXC);
  __m512 r = _mm512_fnmadd_ps(n, _mm512_set1_ps(kLn2High), x);
  r = _mm512_fnmadd_ps(n, _mm512_set1_ps(kLn2Low), r);
  __m512 p = _mm512_set1_ps(kExpPoly[0]);
  for (int i = 1; i < 6; ++i) p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(kExpPoly[i]));
  p = _mm512_add_ps(_mm512_fmadd_ps(_mm512_mul_ps(p, r), r, r), _mm512_set1_ps(1.0f));
  return _mm512_scalef_ps(p, n);
}

struct Avx512 {
  NMT_TARGET_AVX512 static float scan(const float* x, int64_t n, Best& best) {
    __m512 top = _mm512_set1_ps(kNegInf), bar = _mm512_set1_ps(best.bar());
    int64_t i = 0;
    for (; i + 16 <= n; i += 16) {
      const __m512 v = _mm512_loadu_ps(x + i);
      top = _mm512_max_ps(top, v);
      if (!best.full() || _mm512_cmp_ps_mask(v, bar, _CMP_GT_OQ) != 0) {
        for (int j = 0; j < 16; ++j) best.offer(x[i + j], i + j);
        bar = _mm512_set1_ps(best.bar());
      }
    }
    float result = _mm512_reduce_max_ps(top);
    for (; i < n; ++i) result = std::max(result, x[i]), best.offer(x[i], i);
    return result;
  }
  NMT_TARGET_AVX512 static float sum_exp(const float* x, int64_t n, float top) {
    __m512 acc = _mm512_setzero_ps();
    const __m512 shift = _mm512_set1_ps(top);
    int64_t i = 0;
    for (; i + 16 <= n; i += 16) acc = _mm512_add_ps(acc, exp16(_mm512_sub_ps(_mm512_loadu_ps(x + i), shift)));
    float sum = _mm512_reduce_add_ps(acc);
    for (; i < n; ++i) sum += exp_nonpositive(x[i] - top);
    return sum;
  }
};

#pragma GCC diagnostic pop

struct Job {
  const float* scores;
  int64_t vocab, per_row, eos_id;
  bool normalized;
  RowBest* out;
};

template <typename Ops>
void rows(const Job& job, int64_t begin, int64_t end) {
  for (int64_t r = begin; r < end; ++r) {
    const float* x = job.scores + r * job.vocab;
    Best best{job.out->log_prob.data() + r * job.per_row, job.out->token.data() + r * job.per_row, job.per_row};
    const float top = Ops::scan(x, job.vocab, best);
    // A row of -inf (nothing possible) stays -inf rather than NaN.
    const float lse = job.normalized || top == kNegInf ? 0.0f : top + std::log(Ops::sum_exp(x, job.vocab, top));
    for (int64_t j = 0; j < job.per_row; ++j) best.value[j] -= lse;
    job.out->eos[r] = x[job.eos_id] - lse;
  }
}


using Kernel = void (*)(const Job&, int64_t, int64_t);

Kernel kernel() {
  switch (models::vector_isa()) {
    case models::VectorIsa::avx512: return rows<Avx512>;
    case models::VectorIsa::avx2: return rows<Avx2>;
    default: return rows<Generic>;
  }
}

}  // namespace

RowBest row_best(const torch::Tensor& scores, int64_t per_row, bool normalized, int64_t eos_id) {
  const auto x = scores.to(torch::kCPU, torch::kFloat32).contiguous();
  if (x.dim() != 2 || per_row < 1 || per_row > x.size(1) || eos_id < 0 || eos_id >= x.size(1))
    throw Error("row_best: scores of shape " + std::to_string(x.dim()) + "-d, per_row " + std::to_string(per_row) +
                ", eos " + std::to_string(eos_id) + " do not fit");
  const int64_t n = x.size(0);
  RowBest out;
  out.per_row = per_row;
  out.log_prob.resize(n * per_row);
  out.token.resize(n * per_row);
  out.eos.resize(n);
  const Job job{x.data_ptr<float>(), x.size(1), per_row, eos_id, normalized, &out};
  static const Kernel run = kernel();
  at::parallel_for(0, n, 8, [&](int64_t begin, int64_t end) { run(job, begin, end); });
  return out;
}

}  // namespace nmt
