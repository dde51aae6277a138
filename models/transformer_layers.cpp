#include "models/transformer_layers.h"

#include <torch/nn/init.h>
#include <torch/torch.h>

#include "models/precision.h"

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
  return norm(x + dropout(sublayer(x)));
}

}  // namespace

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
  auto h = residual(x, norm1_, dropout_, pre_norm_,
                    [&](const torch::Tensor& in) { return self_attention_(in, in, in, mask).context; });
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

DecoderLayerOutput TransformerDecoderLayerImpl::forward(const torch::Tensor& x, ProjectedKeyValue& self_cache,
                                                        const torch::Tensor& self_mask,
                                                        const ProjectedKeyValue& memory,
                                                        const torch::Tensor& memory_mask) {
  auto h = residual(x, norm1_, dropout_, pre_norm_, [&](const torch::Tensor& in) {
    auto kv = self_attention_->project_key_value(in, in);
    if (self_cache.keys.defined()) {
      kv.keys = torch::cat({self_cache.keys, kv.keys}, 2);
      kv.values = torch::cat({self_cache.values, kv.values}, 2);
    }
    self_cache = kv;
    return self_attention_->attend(in, kv, self_mask).context;
  });
  torch::Tensor cross_weights;
  h = residual(h, norm2_, dropout_, pre_norm_, [&](const torch::Tensor& in) {
    auto out = cross_attention_->attend(in, memory, memory_mask);
    cross_weights = out.weights;
    return out.context;
  });
  h = residual(h, norm3_, dropout_, pre_norm_, [&](const torch::Tensor& in) { return feed_forward_(in); });
  return {h, cross_weights};
}

}  // namespace nmt::models
