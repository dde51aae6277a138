#pragma once
// The Bahdanau-attention decoder, one step at a time: the query is the
// previous top-layer hidden state, the keys and values are the encoder
// outputs, and the context is concatenated with the target embedding as the
// input of a stacked GRU.
#include <torch/nn/module.h>
#include <torch/nn/modules/rnn.h>
#include <torch/types.h>

#include "models/attention.h"

namespace nmt::models {

struct BahdanauStep {
  torch::Tensor output;   // [B, H] top-layer output
  torch::Tensor context;  // [B, D]
  torch::Tensor weights;  // [B, S]
};

class BahdanauDecoderImpl : public torch::nn::Module {
 public:
  BahdanauDecoderImpl(int64_t embedding_dim, int64_t memory_dim, int64_t hidden_dim, int64_t layers,
                      double dropout);

  // Projected keys for the whole batch, computed once per source.
  torch::Tensor project_keys(const torch::Tensor& memory) { return attention_->project_keys(memory); }

  // embedded [B, E]; hidden [layers, B, H] is replaced by the new hidden state.
  // memory [N, S, D], projected_keys [N, S, H] and mask [N, S] have one row per
  // sentence; B is a multiple of N (a beam's hypotheses, in groups of
  // consecutive rows per sentence), and a group shares its sentence's row.
  BahdanauStep step(const torch::Tensor& embedded, torch::Tensor& hidden, const torch::Tensor& memory,
                    const torch::Tensor& projected_keys, const torch::Tensor& mask);

 private:
  AdditiveAttention attention_{nullptr};
  torch::nn::GRU gru_{nullptr};
};
TORCH_MODULE(BahdanauDecoder);

}  // namespace nmt::models
