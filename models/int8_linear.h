#pragma once
// Dynamic int8 products for decoding (decoding.precision: int8), the cheapest
// CPU speed-up of CTranslate2 and Marian: a weight is quantized once, per
// output channel and symmetric (zero point 0, scale max|row| / 127), and
// prepacked for oneDNN; the activations are quantized at each product (one
// scale per call, from their range) and the result comes back in fp32, bias
// added. This CPU's AVX512-VNNI runs the int8 multiply-adds.
#include <ATen/native/quantized/PackedParams.h>
#include <torch/types.h>

namespace nmt::models {

class Int8Linear {
 public:
  // weight [N, K] (float), bias [N] or undefined.
  Int8Linear(const torch::Tensor& weight, const torch::Tensor& bias);
  // x [..., K] -> [..., N], fp32.
  torch::Tensor operator()(const torch::Tensor& x) const;

 private:
  c10::intrusive_ptr<LinearPackedParamsBase> packed_;
};

// Whether this LibTorch has oneDNN's quantized engine, which Int8Linear needs.
bool int8_available();

}  // namespace nmt::models
