#include "models/multi_head_attention.h"

#include <torch/nn/init.h>

#include "models/precision.h"

namespace nmt::models {

MultiHeadAttentionImpl::MultiHeadAttentionImpl(int64_t model_dim, int64_t heads, double dropout)
    : heads_(heads), head_dim_(heads > 0 ? model_dim / heads : 0), dropout_(dropout) {
  // The user-facing check, naming the config keys, is build_model's.
  TORCH_CHECK(heads > 0 && model_dim % heads == 0, "multi-head attention: model dimension ", model_dim,
              " is not divisible by ", heads, " heads");
  q_proj = register_module("q_proj", torch::nn::Linear(model_dim, model_dim));
  k_proj = register_module("k_proj", torch::nn::Linear(model_dim, model_dim));
  v_proj = register_module("v_proj", torch::nn::Linear(model_dim, model_dim));
  out_proj = register_module("out_proj", torch::nn::Linear(model_dim, model_dim));
  // Xavier-uniform, as the original Transformer and PyTorch's nn.Transformer.
  for (auto* linear : {&q_proj, &k_proj, &v_proj, &out_proj}) {
    torch::nn::init::xavier_uniform_((*linear)->weight);
    torch::nn::init::zeros_((*linear)->bias);
  }
}

torch::Tensor MultiHeadAttentionImpl::split_heads(const torch::Tensor& x) const {
  return x.view({x.size(0), x.size(1), heads_, head_dim_}).transpose(1, 2);
}

ProjectedKeyValue MultiHeadAttentionImpl::project_key_value(const torch::Tensor& key,
                                                            const torch::Tensor& value) {
  return {split_heads(linear(k_proj, key)), split_heads(linear(v_proj, value))};
}

AttentionOutput MultiHeadAttentionImpl::attend(const torch::Tensor& query, const ProjectedKeyValue& kv,
                                               const torch::Tensor& mask) {
  const auto q = split_heads(linear(q_proj, query));
  auto [context, weights] = scaled_dot_product_attention(q, kv.keys, kv.values, mask, dropout_, is_training());
  // [B, h, Q, d] -> [B, Q, h * d]
  context = context.transpose(1, 2).reshape({query.size(0), query.size(1), heads_ * head_dim_});
  return {linear(out_proj, context), weights};
}

AttentionOutput MultiHeadAttentionImpl::forward(const torch::Tensor& query, const torch::Tensor& key,
                                                const torch::Tensor& value, const torch::Tensor& mask) {
  return attend(query, project_key_value(key, value), mask);
}

}  // namespace nmt::models
