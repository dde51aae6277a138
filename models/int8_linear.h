#pragma once
// int8 products for decoding (decoding.precision: int8), the cheapest CPU
// speed-up of CTranslate2 and Marian. A weight is quantized once, per output
// channel and symmetric (scale max|row| / 127); the activations are quantized
// at each product, symmetric with one scale per call; oneDNN multiplies the
// int8 matrices (AMX or VNNI on this CPU) and scales the result back to fp32
// and adds the bias in the same pass.
//
// oneDNN is called directly rather than through LibTorch's
// quantized::linear_dynamic: in LibTorch 1.13 that op gives oneDNN the row
// count as a run-time value, which selects oneDNN's generic int8 GEMM, several
// times slower than its bf16 products (docs/performance.md has the figures). Here a
// product is compiled per row count (rounded up, see int8_linear.cpp) and kept.
#include <torch/types.h>

#include <memory>

namespace nmt::models {

class Int8Linear {
 public:
  // weight [N, K] (float), bias [N] or undefined.
  Int8Linear(const torch::Tensor& weight, const torch::Tensor& bias);
  ~Int8Linear();
  Int8Linear(const Int8Linear&) = delete;
  Int8Linear& operator=(const Int8Linear&) = delete;

  // x [..., K] -> [..., N], fp32.
  torch::Tensor operator()(const torch::Tensor& x) const;

 private:
  struct Weights;  // oneDNN's objects stay out of this header
  std::unique_ptr<Weights> weights_;
};

}  // namespace nmt::models
