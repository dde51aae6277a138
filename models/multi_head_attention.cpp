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

std::vector<torch::Tensor> MultiHeadAttentionImpl::project_stacked(const torch::Tensor& x,
                                                                   const std::vector<torch::nn::Linear>& layers) {
  // One product with the layers' weights stacked: fewer, larger products.
  std::vector<torch::Tensor> weights, biases;
  for (const auto& layer : layers) weights.push_back(layer->weight), biases.push_back(layer->bias);
  auto parts = linear(x, concatenated(weights), concatenated(biases)).chunk(static_cast<int64_t>(layers.size()), -1);
  for (auto& part : parts) part = split_heads(part);
  return parts;
}

ProjectedKeyValue MultiHeadAttentionImpl::project_key_value(const torch::Tensor& key,
                                                            const torch::Tensor& value) {
  if (!key.is_same(value)) return {split_heads(linear(k_proj, key)), split_heads(linear(v_proj, value))};
  const auto kv = project_stacked(key, {k_proj, v_proj});
  return {kv[0], kv[1]};
}

std::pair<torch::Tensor, ProjectedKeyValue> MultiHeadAttentionImpl::project_self(const torch::Tensor& x) {
  const auto qkv = project_stacked(x, {q_proj, k_proj, v_proj});
  return {qkv[0], {qkv[1], qkv[2]}};
}

AttentionOutput MultiHeadAttentionImpl::attend(const torch::Tensor& query, const ProjectedKeyValue& kv,
                                               const torch::Tensor& mask) {
  return attend_projected(split_heads(linear(q_proj, query)), kv, mask);
}

AttentionOutput MultiHeadAttentionImpl::attend_projected(const torch::Tensor& queries, const ProjectedKeyValue& kv,
                                                         const torch::Tensor& mask) {
  auto [context, weights] = scaled_dot_product_attention(queries, kv.keys, kv.values, mask, dropout_, is_training());
  // [B, h, Q, d] -> [B, Q, h * d]
  const int64_t batch = queries.size(0), length = queries.size(2);
  context = context.transpose(1, 2).reshape({batch, length, heads_ * head_dim_});
  return {linear(out_proj, context), weights};
}

AttentionOutput MultiHeadAttentionImpl::forward(const torch::Tensor& query, const torch::Tensor& key,
                                                const torch::Tensor& value, const torch::Tensor& mask) {
  if (query.is_same(key) && key.is_same(value)) {
    const auto [queries, kv] = project_self(query);
    return attend_projected(queries, kv, mask);
  }
  return attend(query, project_key_value(key, value), mask);
}

}  // namespace nmt::models
