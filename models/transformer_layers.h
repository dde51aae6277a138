#pragma once
// The Transformer's encoder and decoder layers: attention and a position-wise
// feed-forward network, each wrapped in dropout, a residual connection and
// layer normalization, either after the residual sum (post-norm, the original
// paper) or before the sublayer (pre-norm, more stable for deep stacks).
#include <torch/nn/module.h>
#include <torch/nn/modules/linear.h>
#include <torch/nn/modules/normalization.h>
#include <torch/types.h>

#include "models/dropout.h"
#include "models/multi_head_attention.h"

namespace nmt::models {

// Linear(D, F) -> ReLU -> Linear(F, D). Dropout is applied to its output by
// the residual connection, as in the paper (no inner "activation dropout",
// fairseq's default too).
class FeedForwardImpl : public torch::nn::Module {
 public:
  FeedForwardImpl(int64_t model_dim, int64_t ff_dim);
  torch::Tensor forward(const torch::Tensor& x);

 private:
  torch::nn::Linear inner_{nullptr}, outer_{nullptr};
};
TORCH_MODULE(FeedForward);

class TransformerEncoderLayerImpl : public torch::nn::Module {
 public:
  TransformerEncoderLayerImpl(int64_t model_dim, int64_t heads, int64_t ff_dim, double dropout, bool pre_norm);
  // x [B, S, D]; mask [B, 1, 1, S], true at real tokens.
  torch::Tensor forward(const torch::Tensor& x, const torch::Tensor& mask);

 private:
  MultiHeadAttention self_attention_{nullptr};
  FeedForward feed_forward_{nullptr};
  torch::nn::LayerNorm norm1_{nullptr}, norm2_{nullptr};
  Dropout dropout_{nullptr};
  bool pre_norm_;
};
TORCH_MODULE(TransformerEncoderLayer);

// The self-attention keys and values of the target positions decoded so far,
// in buffers with room to spare: a step writes its one position instead of
// concatenating (copying) the whole prefix again.
struct KeyValueCache {
  torch::Tensor keys, values;  // [B, heads, capacity, head_dim]
  int64_t length = 0;

  // Adds positions ([B, heads, T, head_dim] each) and returns all of them so far.
  ProjectedKeyValue append(const ProjectedKeyValue& kv);
  void select(const torch::Tensor& rows);
};

struct DecoderLayerOutput {
  torch::Tensor output;         // [B, T, D]
  torch::Tensor cross_weights;  // [B, heads, T, S]; undefined unless asked for
};

class TransformerDecoderLayerImpl : public torch::nn::Module {
 public:
  TransformerDecoderLayerImpl(int64_t model_dim, int64_t heads, int64_t ff_dim, double dropout, bool pre_norm);

  // x [B, T, D]: the new target positions. `self_cache` holds the keys and
  // values of the positions before them (empty at first) and is extended
  // with x's, so step-by-step decoding attends to the whole prefix in O(t).
  // `self_mask` (causal, [1, 1, T, T_all]) may be undefined when T == 1.
  // `memory` is the encoder output projected by project_memory(), one row per
  // sentence; B may be a multiple of its rows (the hypotheses of a beam, in
  // groups of consecutive rows per sentence), which then share that row.
  DecoderLayerOutput forward(const torch::Tensor& x, KeyValueCache& self_cache,
                             const torch::Tensor& self_mask, const ProjectedKeyValue& memory,
                             const torch::Tensor& memory_mask, bool keep_cross_weights = false);

  ProjectedKeyValue project_memory(const torch::Tensor& memory) {
    const auto kv = cross_attention_->project_key_value(memory, memory);
    return {attention_operand(kv.keys), attention_operand(kv.values)};
  }

 private:
  MultiHeadAttention self_attention_{nullptr}, cross_attention_{nullptr};
  FeedForward feed_forward_{nullptr};
  torch::nn::LayerNorm norm1_{nullptr}, norm2_{nullptr}, norm3_{nullptr};
  Dropout dropout_{nullptr};
  bool pre_norm_;
};
TORCH_MODULE(TransformerDecoderLayer);

}  // namespace nmt::models
