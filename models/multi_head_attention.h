#pragma once
// Multi-head attention (Vaswani et al. 2017): project queries, keys and
// values, split them into heads, attend with scaled dot products in every head,
// concatenate the heads and project back. Keys and values can be projected
// once and reused, which is what the decoder's step cache stores.
#include <torch/nn/module.h>
#include <torch/nn/modules/linear.h>
#include <torch/types.h>

#include <utility>
#include <vector>

#include "models/attention.h"
#include "models/dropout.h"

namespace nmt::models {

// Keys and values already projected and split: [B, heads, K, head_dim] each.
struct ProjectedKeyValue {
  torch::Tensor keys;
  torch::Tensor values;
};

class MultiHeadAttentionImpl : public torch::nn::Module, public DropoutRate {
 public:
  MultiHeadAttentionImpl(int64_t model_dim, int64_t heads, double dropout);

  // query [B, Q, D], key and value [B, K, D]; `mask` is bool, true where a
  // query may attend a key, broadcastable to [B, heads, Q, K] (padding:
  // [B, 1, 1, K]; causal: [1, 1, Q, K]). Returns context [B, Q, D] and the
  // per-head weights [B, heads, Q, K].
  AttentionOutput forward(const torch::Tensor& query, const torch::Tensor& key,
                          const torch::Tensor& value, const torch::Tensor& mask);

  // Keys and values; from one product when key and value are the same tensor.
  ProjectedKeyValue project_key_value(const torch::Tensor& key, const torch::Tensor& value);
  // Self-attention's queries (split into heads) and keys and values of x, from one product.
  std::pair<torch::Tensor, ProjectedKeyValue> project_self(const torch::Tensor& x);
  // Attention of unprojected queries over projected keys and values.
  AttentionOutput attend(const torch::Tensor& query, const ProjectedKeyValue& kv, const torch::Tensor& mask);
  // The same for queries already projected and split: [B, heads, Q, head_dim].
  AttentionOutput attend_projected(const torch::Tensor& queries, const ProjectedKeyValue& kv,
                                   const torch::Tensor& mask);

  // Dropout on the attention weights.
  void set_dropout(double p) override { dropout_ = p; }

  torch::nn::Linear q_proj{nullptr}, k_proj{nullptr}, v_proj{nullptr}, out_proj{nullptr};

 private:
  torch::Tensor split_heads(const torch::Tensor& x) const;  // [B, T, D] -> [B, h, T, D/h]
  // x through each of `layers`, split into heads, computed as one product.
  std::vector<torch::Tensor> project_stacked(const torch::Tensor& x, const std::vector<torch::nn::Linear>& layers);

  int64_t heads_, head_dim_;
  double dropout_;
};
TORCH_MODULE(MultiHeadAttention);

}  // namespace nmt::models
