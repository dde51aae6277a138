#include "models/decoding_attention.h"

#include <ATen/Parallel.h>
#include <immintrin.h>
#include <torch/torch.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include "models/flop_count.h"
#include "models/vector_isa.h"

namespace nmt::models {
namespace {

// Strides in elements; the head dimension d is contiguous in every operand.
struct Operand {
  const float* data;
  int64_t batch, head, row;
};

Operand operand(const torch::Tensor& t) { return {t.data_ptr<float>(), t.stride(0), t.stride(1), t.stride(2)}; }

struct Problem {
  Operand q, k, v;
  const bool* mask = nullptr;  // expanded to [B, h, Q, S] (zero strides where it broadcasts)
  int64_t mask_batch = 0, mask_head = 0, mask_row = 0, mask_col = 0;
  int64_t B = 0, H = 0, Q = 0, S = 0, d = 0;
  float scale = 1;
  float* context = nullptr;  // [B, Q, h, d]
  float* weights = nullptr;  // [B, h, Q, S]
};

// Dot products of a head's vectors (d floats). Portable: sixteen partial sums,
// which the compiler keeps in vector registers. With intrinsics: the partial
// sums in one register, reduced across it once per product (the portable
// loop's reduction is sixteen scalar additions, as many as its multiplies
// when d is 64).
struct GenericDot {
  static float dot(const float* a, const float* b, int64_t n) {
    float acc[16] = {};
    int64_t i = 0;
    for (; i + 16 <= n; i += 16)
      for (int j = 0; j < 16; ++j) acc[j] += a[i + j] * b[i + j];
    float sum = 0;
    for (int j = 0; j < 16; ++j) sum += acc[j];
    for (; i < n; ++i) sum += a[i] * b[i];
    return sum;
  }
};

struct Avx2Dot {
  NMT_TARGET_AVX2 static inline float dot(const float* a, const float* b, int64_t n) {
    __m256 acc = _mm256_setzero_ps();
    int64_t i = 0;
    for (; i + 8 <= n; i += 8) acc = _mm256_fmadd_ps(_mm256_loadu_ps(a + i), _mm256_loadu_ps(b + i), acc);
    __m128 half = _mm_add_ps(_mm256_castps256_ps128(acc), _mm256_extractf128_ps(acc, 1));
    half = _mm_add_ps(half, _mm_movehl_ps(half, half));
    half = _mm_add_ss(half, _mm_movehdup_ps(half));
    float sum = _mm_cvtss_f32(half);
    for (; i < n; ++i) sum += a[i] * b[i];
    return sum;
  }
};

// GCC 12 warns about its own AVX-512 headers' placeholder registers (_mm512_undefined_ps).
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wuninitialized"
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"

struct Avx512Dot {
  NMT_TARGET_AVX512 static inline float dot(const float* a, const float* b, int64_t n) {
    __m512 acc = _mm512_setzero_ps();
    int64_t i = 0;
    for (; i + 16 <= n; i += 16) acc = _mm512_fmadd_ps(_mm512_loadu_ps(a + i), _mm512_loadu_ps(b + i), acc);
    if (i < n) {  // the rest under a mask: d = 24, 40, ... stay in one register
      const __mmask16 rest = static_cast<__mmask16>((1u << (n - i)) - 1);
      acc = _mm512_fmadd_ps(_mm512_maskz_loadu_ps(rest, a + i), _mm512_maskz_loadu_ps(rest, b + i), acc);
    }
    return _mm512_reduce_add_ps(acc);
  }
};

[[gnu::always_inline]] inline void add_scaled(float* out, float w, const float* v, int64_t n) {
  for (int64_t i = 0; i < n; ++i) out[i] += w * v[i];
}

// One (sentence, head): its Q queries against its S keys.
template <typename Ops>
[[gnu::always_inline]] inline void attend_pair(const Problem& p, int64_t b, int64_t h, float* scaled_query) {
  const float* q = p.q.data + b * p.q.batch + h * p.q.head;
  const float* k = p.k.data + b * p.k.batch + h * p.k.head;
  const float* v = p.v.data + b * p.v.batch + h * p.v.head;
  constexpr float kMasked = -std::numeric_limits<float>::infinity();
  for (int64_t i = 0; i < p.Q; ++i) {
    float* w = p.weights + ((b * p.H + h) * p.Q + i) * p.S;
    float* out = p.context + ((b * p.Q + i) * p.H + h) * p.d;
    const bool* mask = p.mask ? p.mask + b * p.mask_batch + h * p.mask_head + i * p.mask_row : nullptr;
    for (int64_t j = 0; j < p.d; ++j) scaled_query[j] = q[i * p.q.row + j] * p.scale;  // as ATen: (q / sqrt(d)) . k
    float top = kMasked;
    for (int64_t s = 0; s < p.S; ++s) {
      if (mask && !mask[s * p.mask_col]) {
        w[s] = kMasked;
        continue;
      }
      w[s] = Ops::dot(scaled_query, k + s * p.k.row, p.d);
      top = std::max(top, w[s]);
    }
    std::fill(out, out + p.d, 0.0f);
    if (top == kMasked) {  // nothing to attend to: zeros, as masked_softmax
      std::fill(w, w + p.S, 0.0f);
      continue;
    }
    float total = 0;
    for (int64_t s = 0; s < p.S; ++s) total += (w[s] = w[s] == kMasked ? 0.0f : std::exp(w[s] - top));
    const float norm = 1.0f / total;
    for (int64_t s = 0; s < p.S; ++s) {
      w[s] *= norm;
      if (w[s] != 0.0f) add_scaled(out, w[s], v + s * p.v.row, p.d);
    }
  }
}

template <typename Ops>
[[gnu::always_inline]] inline void attend_range(const Problem& p, int64_t begin, int64_t end) {
  std::vector<float> scaled_query(p.d);
  for (int64_t pair = begin; pair < end; ++pair) attend_pair<Ops>(p, pair / p.H, pair % p.H, scaled_query.data());
}

void attend_generic(const Problem& p, int64_t begin, int64_t end) { attend_range<GenericDot>(p, begin, end); }
NMT_TARGET_AVX2 void attend_avx2(const Problem& p, int64_t begin, int64_t end) { attend_range<Avx2Dot>(p, begin, end); }
NMT_TARGET_AVX512 void attend_avx512(const Problem& p, int64_t begin, int64_t end) {
  attend_range<Avx512Dot>(p, begin, end);
}

#pragma GCC diagnostic pop

using Kernel = void (*)(const Problem&, int64_t, int64_t);

Kernel kernel() {
  switch (vector_isa()) {
    case VectorIsa::avx512: return attend_avx512;
    case VectorIsa::avx2: return attend_avx2;
    default: return attend_generic;
  }
}

bool heads_contiguous(const torch::Tensor& t) { return t.dim() == 4 && t.stride(3) == 1; }

}  // namespace

bool decoding_attention_applies(const torch::Tensor& queries, const torch::Tensor& keys,
                                const torch::Tensor& values, const torch::Tensor& key_mask) {
  if (torch::GradMode::is_enabled() && (queries.requires_grad() || keys.requires_grad() || values.requires_grad()))
    return false;
  for (const auto* t : {&queries, &keys, &values})
    if (!t->device().is_cpu() || t->scalar_type() != torch::kFloat32 || !heads_contiguous(*t)) return false;
  const int64_t B = queries.size(0), H = queries.size(1), Q = queries.size(2), d = queries.size(3);
  if (Q > kFewQueries || d == 0) return false;
  for (const auto* t : {&keys, &values})
    if (t->size(0) != B || t->size(1) != H || t->size(3) != d) return false;
  if (keys.size(2) != values.size(2)) return false;
  if (!key_mask.defined()) return true;
  if (key_mask.scalar_type() != torch::kBool || key_mask.dim() != 4 || !key_mask.device().is_cpu()) return false;
  const std::vector<int64_t> full{B, H, Q, keys.size(2)};
  for (int i = 0; i < 4; ++i)
    if (key_mask.size(i) != full[i] && key_mask.size(i) != 1) return false;
  return true;
}

AttentionOutput decoding_attention(const torch::Tensor& queries, const torch::Tensor& keys,
                                   const torch::Tensor& values, const torch::Tensor& key_mask) {
  TORCH_CHECK(decoding_attention_applies(queries, keys, values, key_mask),
              "decoding_attention: operands it does not take");
  Problem p;
  p.B = queries.size(0), p.H = queries.size(1), p.Q = queries.size(2), p.S = keys.size(2), p.d = queries.size(3);
  p.scale = static_cast<float>(1.0 / std::sqrt(static_cast<double>(p.d)));
  p.q = operand(queries), p.k = operand(keys), p.v = operand(values);
  torch::Tensor mask;
  if (key_mask.defined()) {
    mask = key_mask.expand({p.B, p.H, p.Q, p.S});
    p.mask = mask.data_ptr<bool>();
    p.mask_batch = mask.stride(0), p.mask_head = mask.stride(1), p.mask_row = mask.stride(2), p.mask_col = mask.stride(3);
  }
  const auto options = queries.options();
  auto context = torch::empty({p.B, p.Q, p.H, p.d}, options);
  auto weights = torch::empty({p.B, p.H, p.Q, p.S}, options);
  p.context = context.data_ptr<float>(), p.weights = weights.data_ptr<float>();
  const double pairs = static_cast<double>(p.B * p.H);
  count_matmul(pairs, static_cast<double>(p.Q), static_cast<double>(p.d), static_cast<double>(p.S));
  count_matmul(pairs, static_cast<double>(p.Q), static_cast<double>(p.S), static_cast<double>(p.d));
  // A pair is some Q * S * d * 2 multiply-adds: split only where a thread gets thousands.
  const int64_t per_pair = std::max<int64_t>(1, p.Q * p.S * p.d * 2);
  const int64_t grain = std::max<int64_t>(1, 32768 / per_pair);
  static const Kernel run = kernel();
  at::parallel_for(0, p.B * p.H, grain, [&](int64_t begin, int64_t end) { run(p, begin, end); });
  return {context.transpose(1, 2), weights};
}

}  // namespace nmt::models
