#include "models/attention.h"

#include "models/decoding_attention.h"
#include "models/dropout.h"
#include "models/flop_count.h"
#include "models/precision.h"

#include <algorithm>
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

namespace {

bool few_queries_in_fp32(const torch::Tensor& queries, Precision precision) {
  return precision == Precision::fp32 && queries.dim() >= 3 && queries.size(-2) <= kFewQueries;
}

// The number of [Q, K] x [K, N] products in a broadcast batch of them.
double batch_count(const torch::Tensor& a, const torch::Tensor& b) {
  return static_cast<double>(std::max(a.numel() / (a.size(-1) * a.size(-2)), b.numel() / (b.size(-1) * b.size(-2))));
}

}  // namespace

torch::Tensor attention_scores(const torch::Tensor& queries, const torch::Tensor& keys, Precision precision) {
  if (!few_queries_in_fp32(queries, precision)) return models::matmul(queries, keys.transpose(-2, -1), precision);
  count_matmul(batch_count(queries, keys), static_cast<double>(queries.size(-2)),
               static_cast<double>(queries.size(-1)), static_cast<double>(keys.size(-2)));
  // [..., Q, 1, d] * [..., 1, S, d] summed over d
  return (queries.to(torch::kFloat32).unsqueeze(-2) * keys.to(torch::kFloat32).unsqueeze(-3)).sum(-1);
}

torch::Tensor attention_mix(const torch::Tensor& weights, const torch::Tensor& values, Precision precision) {
  if (!few_queries_in_fp32(weights, precision)) return models::matmul(weights, values, precision);
  count_matmul(batch_count(weights, values), static_cast<double>(weights.size(-2)),
               static_cast<double>(weights.size(-1)), static_cast<double>(values.size(-1)));
  // [..., Q, S, 1] * [..., 1, S, d] summed over S
  return (weights.to(torch::kFloat32).unsqueeze(-1) * values.to(torch::kFloat32).unsqueeze(-3)).sum(-2);
}

AttentionOutput scaled_dot_product_attention(const torch::Tensor& queries, const torch::Tensor& keys,
                                             const torch::Tensor& values, const torch::Tensor& key_mask,
                                             double dropout, bool training) {
  const auto precision = attention_precision();
  if (precision == Precision::fp32 && !(training && dropout > 0) &&
      decoding_attention_applies(queries, keys, values, key_mask))
    return decoding_attention(queries, keys, values, key_mask);
  const double scale = 1.0 / std::sqrt(static_cast<double>(queries.size(-1)));
  // The products may run in bf16; the softmax over the scores is always fp32.
  const auto scores = attention_scores(queries * scale, keys, precision).to(torch::kFloat32);
  auto weights = key_mask.defined() ? masked_softmax(scores, key_mask) : scores.softmax(-1);
  const auto mixing = models::fast_dropout(weights, dropout, training);
  return {attention_mix(mixing, values, precision), weights};
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
  return {attention_mix(weights, values, Precision::fp32), weights};
}

}  // namespace nmt::models
