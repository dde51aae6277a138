#pragma once
// Stacked (optionally bidirectional) GRU over embedded source tokens. The
// sequence is packed, so padding never reaches the recurrent states.
#include <torch/nn/module.h>
#include <torch/nn/modules/rnn.h>
#include <torch/types.h>

namespace nmt::models {

struct GruEncoderOutput {
  torch::Tensor states;  // [B, S, directions * hidden], zero at padding
  torch::Tensor final;   // [B, directions * hidden]: the top layer's last state(s)
};

class GruEncoderImpl : public torch::nn::Module {
 public:
  GruEncoderImpl(int64_t input_dim, int64_t hidden_dim, int64_t layers, bool bidirectional, double dropout);
  // embedded [B, S, input_dim]; lengths [B] int64
  GruEncoderOutput forward(const torch::Tensor& embedded, const torch::Tensor& lengths);
  int64_t output_dim() const { return output_dim_; }

 private:
  torch::nn::GRU gru_{nullptr};
  int64_t output_dim_;
  bool bidirectional_;
};
TORCH_MODULE(GruEncoder);

}  // namespace nmt::models
