#include "models/transformer_layers.h"

#include <ATen/Parallel.h>
#include <torch/nn/init.h>
#include <torch/torch.h>

#include <cstring>

#include "models/attention_recorder.h"
#include "models/precision.h"
#include "models/residual_norm.h"

namespace nmt::models {
namespace {

torch::nn::LayerNorm layer_norm(int64_t dim) {
  return torch::nn::LayerNorm(torch::nn::LayerNormOptions({dim}));
}

// Residual connection, dropout and layer norm around one sublayer: normalized
// after the residual sum (post-norm) or before the sublayer (pre-norm).
template <typename Sublayer>
torch::Tensor residual(const torch::Tensor& x, torch::nn::LayerNorm& norm, Dropout& dropout, bool pre_norm,
                       Sublayer&& sublayer) {
  if (pre_norm) return x + dropout(sublayer(norm(x)));
  return add_layer_norm(x, dropout(sublayer(x)), norm);
}

}  // namespace

ProjectedKeyValue KeyValueCache::append(const ProjectedKeyValue& kv) {
  const int64_t added = kv.keys.size(2), needed = length + added;
  if (!keys.defined() && length == 0) {  // the first positions: kept as they are, no copy
    keys = kv.keys, values = kv.values, length = added;
    return kv;
  }
  if (needed > keys.size(2)) {  // grow by doubling: O(1) copies per position on average
    const int64_t capacity = std::max<int64_t>({needed, 2 * keys.size(2), 16});
    auto grow = [&](const torch::Tensor& old) {
      auto bigger = torch::empty({old.size(0), old.size(1), capacity, old.size(3)}, old.options());
      bigger.narrow(2, 0, length).copy_(old.narrow(2, 0, length));
      return bigger;
    };
    keys = grow(keys), values = grow(values);
  }
  keys.narrow(2, length, added).copy_(kv.keys);
  values.narrow(2, length, added).copy_(kv.values);
  length = needed;
  return {keys.narrow(2, 0, length), values.narrow(2, 0, length)};
}

namespace {

// cache.index_select(0, rows) for a [B, heads, capacity, head_dim] cache of
// which only the first `length` positions are filled: copies those alone, one
// block per (row, head), instead of the whole capacity (up to twice as much).
torch::Tensor select_filled(const torch::Tensor& cache, const torch::Tensor& rows, int64_t length) {
  if (!cache.is_contiguous() || !cache.device().is_cpu() || length == cache.size(2))
    return cache.index_select(0, rows);
  const auto index = rows.to(torch::kInt64).contiguous();
  const int64_t n = index.size(0), heads = cache.size(1), rows_in = cache.size(0);
  const int64_t block = cache.size(2) * cache.size(3) * cache.element_size();
  const int64_t filled = length * cache.size(3) * cache.element_size();
  auto out = torch::empty({n, heads, cache.size(2), cache.size(3)}, cache.options());
  const auto* from = static_cast<const char*>(cache.data_ptr());
  auto* to = static_cast<char*>(out.data_ptr());
  const auto* picked = index.data_ptr<int64_t>();
  for (int64_t i = 0; i < n; ++i)
    TORCH_CHECK(picked[i] >= 0 && picked[i] < rows_in, "key/value cache: row ", picked[i], " of ", rows_in);
  at::parallel_for(0, n * heads, 64, [&](int64_t begin, int64_t end) {
    for (int64_t p = begin; p < end; ++p)
      std::memcpy(to + p * block, from + (picked[p / heads] * heads + p % heads) * block, filled);
  });
  return out;
}

}  // namespace

void KeyValueCache::select(const torch::Tensor& rows) {
  if (!keys.defined()) return;
  keys = select_filled(keys, rows, length), values = select_filled(values, rows, length);
}

FeedForwardImpl::FeedForwardImpl(int64_t model_dim, int64_t ff_dim)
    : inner_(register_module("inner", torch::nn::Linear(model_dim, ff_dim))),
      outer_(register_module("outer", torch::nn::Linear(ff_dim, model_dim))) {
  for (auto* linear : {&inner_, &outer_}) {
    torch::nn::init::xavier_uniform_((*linear)->weight);
    torch::nn::init::zeros_((*linear)->bias);
  }
}

torch::Tensor FeedForwardImpl::forward(const torch::Tensor& x) {
  return linear(outer_, torch::relu(linear(inner_, x)));
}

TransformerEncoderLayerImpl::TransformerEncoderLayerImpl(int64_t model_dim, int64_t heads, int64_t ff_dim,
                                                         double dropout, bool pre_norm)
    : self_attention_(register_module("self_attention", MultiHeadAttention(model_dim, heads, dropout))),
      feed_forward_(register_module("feed_forward", FeedForward(model_dim, ff_dim))),
      norm1_(register_module("norm1", layer_norm(model_dim))),
      norm2_(register_module("norm2", layer_norm(model_dim))),
      dropout_(register_module("dropout", Dropout(dropout))),
      pre_norm_(pre_norm) {}

torch::Tensor TransformerEncoderLayerImpl::forward(const torch::Tensor& x, const torch::Tensor& mask) {
  auto h = residual(x, norm1_, dropout_, pre_norm_, [&](const torch::Tensor& in) {
    auto out = self_attention_(in, in, in, mask);
    AttentionRecorder::record(SelfAttention::encoder, out.weights);
    return out.context;
  });
  return residual(h, norm2_, dropout_, pre_norm_, [&](const torch::Tensor& in) { return feed_forward_(in); });
}

TransformerDecoderLayerImpl::TransformerDecoderLayerImpl(int64_t model_dim, int64_t heads, int64_t ff_dim,
                                                         double dropout, bool pre_norm)
    : self_attention_(register_module("self_attention", MultiHeadAttention(model_dim, heads, dropout))),
      cross_attention_(register_module("cross_attention", MultiHeadAttention(model_dim, heads, dropout))),
      feed_forward_(register_module("feed_forward", FeedForward(model_dim, ff_dim))),
      norm1_(register_module("norm1", layer_norm(model_dim))),
      norm2_(register_module("norm2", layer_norm(model_dim))),
      norm3_(register_module("norm3", layer_norm(model_dim))),
      dropout_(register_module("dropout", Dropout(dropout))),
      pre_norm_(pre_norm) {}

DecoderLayerOutput TransformerDecoderLayerImpl::forward(const torch::Tensor& x, KeyValueCache& self_cache,
                                                        const torch::Tensor& self_mask,
                                                        const ProjectedKeyValue& memory,
                                                        const torch::Tensor& memory_mask, bool keep_cross_weights) {
  auto h = residual(x, norm1_, dropout_, pre_norm_, [&](const torch::Tensor& in) {
    const auto [queries, kv] = self_attention_->project_self(in);
    const ProjectedKeyValue added{attention_operand(kv.keys), attention_operand(kv.values)};
    auto out = self_attention_->attend_projected(queries, self_cache.append(added), self_mask);
    AttentionRecorder::record(SelfAttention::decoder, out.weights);
    return out.context;
  });
  torch::Tensor cross_weights;
  h = residual(h, norm2_, dropout_, pre_norm_, [&](const torch::Tensor& in) {
    // A sentence's g hypotheses attend its memory row together, as g * T queries.
    const int64_t rows = in.size(0), T = in.size(1), sentences = memory.keys.size(0), g = rows / sentences;
    auto out = cross_attention_->attend(in.reshape({sentences, g * T, in.size(2)}), memory, memory_mask);
    const int64_t heads = out.weights.size(1), S = out.weights.size(3);
    if (keep_cross_weights)
      cross_weights = out.weights.view({sentences, heads, g, T, S}).transpose(1, 2).reshape({rows, heads, T, S});
    return out.context.reshape({rows, T, out.context.size(2)});
  });
  h = residual(h, norm3_, dropout_, pre_norm_, [&](const torch::Tensor& in) { return feed_forward_(in); });
  return {h, cross_weights};
}

}  // namespace nmt::models
