#pragma once
// One step of a GRU layer from its gates, in PyTorch's equations and gate
// order (r, z, n), so that it matches torch::nn::GRU parameter for parameter:
//   r = sigmoid(i_r + h_r),  z = sigmoid(i_z + h_z),  n = tanh(i_n + r * h_n),
//   h' = (1 - z) * n + z * h
// where i = x W_ih^T + b_ih and h_ = h W_hh^T + b_hh. The caller computes the
// input gates i as suits it: the Bahdanau decoder computes the embeddings'
// share for a whole target sequence in one product while training.
#include <torch/types.h>

namespace nmt::models {

// input_gates and hidden_gates [B, 3H] (any float dtype), hidden [B, H] fp32
// -> the next hidden state [B, H] fp32.
torch::Tensor gru_cell(const torch::Tensor& input_gates, const torch::Tensor& hidden_gates,
                       const torch::Tensor& hidden);

}  // namespace nmt::models
