#pragma once
// A decoding product of activations with a weight, run by oneDNN on the
// weight packed once (in the layout oneDNN's kernel for that row count wants)
// rather than by LibTorch's linear, which repacks it on every call:
//
// - int8 (decoding.precision: int8), the cheapest CPU speed-up of CTranslate2
//   and Marian. The weight is quantized once, per output channel and
//   symmetric (scale max|row| / 127); the activations are quantized at each
//   product, symmetric with one scale per call; oneDNN multiplies the int8
//   matrices (AMX or VNNI) and scales the result back to fp32 and adds the
//   bias in the same pass. LibTorch 1.13's own quantized::linear_dynamic gives
//   oneDNN the row count as a run-time value, which selects oneDNN's generic
//   int8 GEMM, several times slower than its bf16 products.
// - fp32 (decoding.precision: fp32): the same products without quantization
//   (where oneDNN's matmul has no brgemm kernel, AVX2, oneDNN's sgemm on the
//   exact rows instead: see packed_linear.cpp).
//   LibTorch's fp32 linear calls OpenBLAS, which copies the weight into its
//   own panels on every call: with the few rows of a decoding step (one to
//   five a sentence) that copy and OpenBLAS's threading were most of the
//   product (docs/performance.md has the figures). bf16 products are
//   LibTorch's own, already on oneDNN: packing them was no faster.
//
// A product is compiled per row count (rounded up, see packed_linear.cpp) and kept.
#include <torch/types.h>

#include <memory>

#include "models/precision.h"

namespace nmt::models {

class PackedLinear {
 public:
  // weight [N, K] (float), bias [N] or undefined; precision int8 or fp32.
  PackedLinear(const torch::Tensor& weight, const torch::Tensor& bias, Precision precision);
  ~PackedLinear();
  PackedLinear(const PackedLinear&) = delete;
  PackedLinear& operator=(const PackedLinear&) = delete;

  // x [..., K] -> [..., N], fp32.
  torch::Tensor operator()(const torch::Tensor& x) const;

 private:
  struct Weights;  // oneDNN's objects stay out of this header
  std::unique_ptr<Weights> weights_;
};

}  // namespace nmt::models
