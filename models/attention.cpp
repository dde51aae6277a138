#include "models/attention.h"

#include "models/dropout.h"
#include "models/flop_count.h"
#include "models/precision.h"

#include <cmath>
#include <limits>

namespace nmt::models {

torch::Tensor masked_softmax(const torch::Tensor& scores, const torch::Tensor& key_mask) {
  const auto blocked = key_mask.logical_not();
  auto weights = scores.masked_fill(blocked, -std::numeric_limits<float>::infinity()).softmax(-1);
  // A fully masked row is NaN after the softmax; zero it (and keep masked keys at exactly 0).
  return weights.masked_fill(blocked, 0.0);
}

torch::Tensor length_mask(const torch::Tensor& lengths, int64_t max_length) {
  const auto positions = torch::arange(max_length, lengths.options().dtype(torch::kInt64));
  return positions.unsqueeze(0) < lengths.to(torch::kInt64).unsqueeze(1);
}

torch::Tensor masked_softmax_by_length(const torch::Tensor& scores, const torch::Tensor& valid_lengths) {
  auto mask = length_mask(valid_lengths, scores.size(-1));  // [B, K]
  while (mask.dim() < scores.dim()) mask = mask.unsqueeze(1);
  return masked_softmax(scores, mask);
}

Precision attention_precision() {
  return torch::GradMode::is_enabled() ? current_precision() : Precision::fp32;
}

torch::Tensor attention_operand(const torch::Tensor& t) {
  return attention_precision() == Precision::fp32 ? t.to(torch::kFloat32) : t;
}

AttentionOutput scaled_dot_product_attention(const torch::Tensor& queries, const torch::Tensor& keys,
                                             const torch::Tensor& values, const torch::Tensor& key_mask,
                                             double dropout, bool training) {
  const double scale = 1.0 / std::sqrt(static_cast<double>(queries.size(-1)));
  // The products may run in bf16; the softmax over the scores is always fp32.
  const auto precision = attention_precision();
  const auto scores = models::matmul(queries * scale, keys.transpose(-2, -1), precision).to(torch::kFloat32);
  auto weights = key_mask.defined() ? masked_softmax(scores, key_mask) : scores.softmax(-1);
  const auto mixing = models::fast_dropout(weights, dropout, training);
  return {models::matmul(mixing, values, precision), weights};
}

AdditiveAttentionImpl::AdditiveAttentionImpl(int64_t query_dim, int64_t key_dim, int64_t hidden_dim)
    : W_q(register_module("W_q", torch::nn::Linear(torch::nn::LinearOptions(query_dim, hidden_dim).bias(false)))),
      W_k(register_module("W_k", torch::nn::Linear(torch::nn::LinearOptions(key_dim, hidden_dim).bias(false)))),
      w_v(register_module("w_v", torch::nn::Linear(torch::nn::LinearOptions(hidden_dim, 1).bias(false)))) {}

torch::Tensor AdditiveAttentionImpl::project_keys(const torch::Tensor& keys) { return linear(W_k, keys); }

AttentionOutput AdditiveAttentionImpl::forward(const torch::Tensor& queries,
                                               const torch::Tensor& projected_keys,
                                               const torch::Tensor& values,
                                               const torch::Tensor& key_mask) {
  // [B, Q, 1, H] + [B, 1, K, H] -> [B, Q, K, H] -> scores [B, Q, K]
  const auto features = torch::tanh(linear(W_q, queries).unsqueeze(2) + projected_keys.unsqueeze(1));
  const auto scores = linear(w_v, features).squeeze(-1).to(torch::kFloat32);
  auto weights = key_mask.defined() ? masked_softmax(scores, key_mask.unsqueeze(1)) : scores.softmax(-1);
  count_matmul(static_cast<double>(weights.size(0)), static_cast<double>(weights.size(1)),
               static_cast<double>(weights.size(2)), static_cast<double>(values.size(2)));
  return {torch::bmm(weights, values), weights};
}

}  // namespace nmt::models
