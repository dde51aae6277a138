#pragma once
// The Bahdanau-attention decoder, one step at a time: the query is the
// previous top-layer hidden state, the keys and values are the encoder
// outputs, and the context is concatenated with the target embedding as the
// input of a stacked GRU.
//
// The GRU's parameters live in a torch::nn::GRU (their names are those of
// every saved model), but the steps run gru_cell on them: a search step needs
// no sequence machinery, and teacher forcing computes the embeddings' share
// of the first layer's gates for all positions in one product.
#include <torch/nn/module.h>
#include <torch/nn/modules/rnn.h>
#include <torch/types.h>

#include <functional>
#include <vector>

#include "models/attention.h"
#include "models/dropout.h"

namespace nmt::models {

struct BahdanauStep {
  torch::Tensor output;   // [B, H] top-layer output
  torch::Tensor context;  // [B, D]
  torch::Tensor weights;  // [B, S]
};

class BahdanauDecoderImpl : public torch::nn::Module, public DropoutRate {
 public:
  BahdanauDecoderImpl(int64_t embedding_dim, int64_t memory_dim, int64_t hidden_dim, int64_t layers,
                      double dropout);

  // Projected keys for the whole batch, computed once per source. In fp32:
  // each step adds its query to them and takes tanh over [B, S, H] in fp32.
  torch::Tensor project_keys(const torch::Tensor& memory) {
    return attention_->project_keys(memory).to(torch::kFloat32);
  }

  // The embeddings' share of the first layer's input gates, bias included:
  // [..., E] -> [..., 3H]. Teacher forcing computes it for every position at once.
  torch::Tensor embedding_gates(const torch::Tensor& embedded);

  // Between stacked layers only; a single layer has none.
  void set_dropout(double p) override { dropout_ = w_ih_.size() > 1 ? p : 0.0; }

  // One step from the target embedding [B, E] (search), or from its
  // embedding_gates [B, 3H] (teacher forcing). hidden [layers, B, H] is
  // replaced by the new hidden state. memory [N, S, D], projected_keys
  // [N, S, H] and mask [N, S] have one row per sentence; B is a multiple of N
  // (a beam's hypotheses, in groups of consecutive rows per sentence), and a
  // group shares its sentence's row.
  BahdanauStep step(const torch::Tensor& embedded, torch::Tensor& hidden, const torch::Tensor& memory,
                    const torch::Tensor& projected_keys, const torch::Tensor& mask);
  BahdanauStep step_from_gates(const torch::Tensor& embedding_gates, torch::Tensor& hidden,
                               const torch::Tensor& memory, const torch::Tensor& projected_keys,
                               const torch::Tensor& mask);

 private:
  // A step whose first layer's input gates come from the context [B, D].
  using FirstLayerGates = std::function<torch::Tensor(const torch::Tensor& context)>;
  BahdanauStep step_with(const FirstLayerGates& first_layer_gates, torch::Tensor& hidden,
                         const torch::Tensor& memory, const torch::Tensor& projected_keys,
                         const torch::Tensor& mask);
  AttentionOutput attend(const torch::Tensor& hidden, const torch::Tensor& memory,
                         const torch::Tensor& projected_keys, const torch::Tensor& mask);
  // The stacked GRU's step from the first layer's input gates; returns the top output.
  torch::Tensor advance(const torch::Tensor& first_input_gates, torch::Tensor& hidden);

  AdditiveAttention attention_{nullptr};
  torch::nn::GRU gru_{nullptr};
  int64_t embedding_dim_;
  double dropout_;
  // Per layer, the GRU's own parameter tensors (not copies).
  std::vector<torch::Tensor> w_ih_, w_hh_, b_ih_, b_hh_;
};
TORCH_MODULE(BahdanauDecoder);

}  // namespace nmt::models
