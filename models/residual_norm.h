#pragma once
// A post-norm sublayer's exit, layer_norm(x + y), as one pass per row while
// decoding: ATen makes it two operations (the sum, then the norm), each with
// its dispatch, a tensor and a pass over memory, three times a decoder layer.
// Elsewhere (training, other dtypes or devices) it is exactly norm(x + y).
#include <torch/nn/modules/normalization.h>
#include <torch/types.h>

namespace nmt::models {

torch::Tensor add_layer_norm(const torch::Tensor& x, const torch::Tensor& y, torch::nn::LayerNorm& norm);

}  // namespace nmt::models
