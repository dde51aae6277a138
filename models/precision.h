#pragma once
// Mixed precision: the matrix products in bfloat16, everything else in fp32.
//
// Parameters stay fp32 (they are the optimizer's master weights, and Adam's
// state stays fp32 with them); inside a PrecisionScope(bf16) the models'
// linear layers and attention products cast their operands to bf16 on the way
// in, so oneDNN runs them with AVX512-BF16, and autograd casts the gradients
// back to fp32 on the way out. Softmax statistics, layer norm, the residual
// stream and the logits (hence the loss and the search scores) stay fp32.
//
// LibTorch's CPU autocast was the other route; it keeps softmax and
// log_softmax in bf16 (the loss too, unless every call site casts), LayerNorm
// throws on its bf16 outputs, and it has no C++ guard. Explicit casts at the
// few product sites are shorter than working around that.
#include <torch/nn/modules/linear.h>
#include <torch/types.h>

#include <string>

namespace nmt::models {

enum class Precision { fp32, bf16 };

// "fp32" or "bf16" (the configs' spelling); anything else throws.
Precision parse_precision(const std::string& name);
std::string precision_name(Precision precision);

// The precision of the matrix products on this thread for the scope (the
// same per-thread rule as autocast), restored when it ends. Without grad mode
// (decoding), bf16 copies of the weights are made once per scope and reused at
// every step; with grad mode the cast is part of the graph, so its gradient
// reaches the fp32 weight.
class PrecisionScope {
 public:
  explicit PrecisionScope(Precision precision);
  ~PrecisionScope();
  PrecisionScope(const PrecisionScope&) = delete;
  PrecisionScope& operator=(const PrecisionScope&) = delete;

 private:
  Precision previous_;
  void* previous_cache_;
};

Precision current_precision();

// The dtype matrix products take operands in right now: kBFloat16 or kFloat32.
torch::ScalarType matmul_dtype();

// x W^T + b in the current precision; the output has that dtype (bf16 stays
// bf16 for the next product; a residual sum with fp32 promotes it back).
torch::Tensor linear(const torch::Tensor& x, const torch::Tensor& weight, const torch::Tensor& bias = {});
torch::Tensor linear(const torch::nn::Linear& layer, const torch::Tensor& x);

// torch::matmul in the current precision.
torch::Tensor matmul(const torch::Tensor& a, const torch::Tensor& b);

// True when this CPU multiplies bf16 matrices natively (AVX512-BF16); without
// it oneDNN emulates them and bf16 is slower than fp32.
bool cpu_has_native_bf16();

}  // namespace nmt::models
