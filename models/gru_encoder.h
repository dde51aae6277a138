#pragma once
// Stacked (optionally bidirectional) GRU over embedded source tokens.
//
// The parameters are a torch::nn::GRU's (same names, so every saved model
// loads), but the recurrence is run here: each layer computes the input
// gates of every position and both directions in one product, then steps
// both directions together (position t forwards, S-1-t backwards), one
// batched product of the hidden states per step. LibTorch's packed GRU
// instead runs two products per step and direction. Padding never reaches a
// state: a backward state stays zero until its sentence's last token, a
// forward state keeps its value past it, and outputs are zero at padding.
#include <torch/nn/module.h>
#include <torch/nn/modules/rnn.h>
#include <torch/types.h>

#include <vector>

#include "models/dropout.h"

namespace nmt::models {

struct GruEncoderOutput {
  torch::Tensor states;  // [B, S, directions * hidden], zero at padding
  torch::Tensor final;   // [B, directions * hidden]: the top layer's last state(s)
};

class GruEncoderImpl : public torch::nn::Module, public DropoutRate {
 public:
  GruEncoderImpl(int64_t input_dim, int64_t hidden_dim, int64_t layers, bool bidirectional, double dropout);
  // embedded [B, S, input_dim]; lengths [B] int64
  GruEncoderOutput forward(const torch::Tensor& embedded, const torch::Tensor& lengths);
  int64_t output_dim() const { return output_dim_; }
  // Between stacked layers only; a single layer has none.
  void set_dropout(double p) override { dropout_ = w_ih_.size() > 1 ? p : 0.0; }

 private:
  struct LayerOutput {
    torch::Tensor states;  // [B, S, directions * H], not yet zeroed at padding
    torch::Tensor final;   // [directions, B, H]
  };
  // step_mask: [S, directions, B, 1] bool in step order, undefined if nothing is padded.
  LayerOutput run_layer(int64_t layer, const torch::Tensor& input, const torch::Tensor& step_mask);
  // [B, S, directions, X] -> [S, directions, B, X], the backward direction reversed in time.
  torch::Tensor in_step_order(const torch::Tensor& t) const;

  torch::nn::GRU gru_{nullptr};
  // Per layer, forward then backward direction: the GRU module's own tensors.
  std::vector<std::vector<torch::Tensor>> w_ih_, w_hh_, b_ih_, b_hh_;
  int64_t hidden_dim_, output_dim_, directions_;
  double dropout_;
};
TORCH_MODULE(GruEncoder);

}  // namespace nmt::models
