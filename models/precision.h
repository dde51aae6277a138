#pragma once
// Mixed precision: the matrix products in bfloat16, everything else in fp32;
// and, for decoding only, int8 products of the weights; decoding runs int8
// and fp32 products on weights packed once for oneDNN (see packed_linear.h).
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

#include <memory>
#include <string>
#include <vector>

namespace nmt::models {

// int8: decoding only. The products of activations with weights (models::linear)
// in int8; attention's products and the GRU encoder's recurrence stay fp32.
enum class Precision { fp32, bf16, int8 };

// "fp32", "bf16" or "int8" (the configs' spelling), or "auto": bf16 where the
// CPU multiplies bf16 natively (cpu_features.h), fp32 elsewhere, where bf16
// is emulated and slower. Anything else throws.
Precision parse_precision(const std::string& name);
std::string precision_name(Precision precision);

// Weights converted for decoding (bf16 copies, concatenated() weights, int8
// packed weights), made once and reused until a weight changes. Safe to share
// between threads.
class WeightCache;
std::shared_ptr<WeightCache> make_weight_cache();

// The precision of the matrix products on this thread for the scope (the
// same per-thread rule as autocast), restored when it ends. Without grad mode
// (decoding), converted weights come from `weights`: a cache kept by the
// caller (a translator keeps one for its model's lifetime, so each sentence
// does not pay for the copies again), or one for this scope alone. With grad
// mode the cast is part of the graph, so its gradient reaches the fp32 weight.
class PrecisionScope {
 public:
  explicit PrecisionScope(Precision precision, std::shared_ptr<WeightCache> weights = nullptr);
  ~PrecisionScope();
  PrecisionScope(const PrecisionScope&) = delete;
  PrecisionScope& operator=(const PrecisionScope&) = delete;

 private:
  Precision previous_;
  WeightCache* previous_cache_;
  std::shared_ptr<WeightCache> cache_;
};

Precision current_precision();

// The precision of a recurrent step's products for the scope, restored when
// it ends: fp32 while training (grad mode), the enclosing one while decoding.
// Measured on the GRU recipe with nmt-benchmark, alternating runs: a training
// step (~250 sentences a product, and bf16's casts again in the backward
// pass) ran ~10% faster with them in fp32; decoding, where oneDNN's bf16
// kernels beat OpenBLAS's fp32 at every row count, 15% (greedy, batches of
// 64) to 75% (beam 5, one sentence) faster with them in bf16.
class RecurrentProducts {
 public:
  RecurrentProducts();
  ~RecurrentProducts();
  RecurrentProducts(const RecurrentProducts&) = delete;
  RecurrentProducts& operator=(const RecurrentProducts&) = delete;

 private:
  Precision previous_;
};

// The dtype matrix products take operands in right now: kBFloat16 or kFloat32
// (int8 products take fp32 operands and quantize them themselves).
torch::ScalarType matmul_dtype();

// x W^T + b in the current precision; the output has that dtype (bf16 stays
// bf16 for the next product; a residual sum with fp32 promotes it back). In
// int8 a weight that is a parameter, or a concatenated() one, is quantized
// once (in the scope's WeightCache); the output is fp32.
torch::Tensor linear(const torch::Tensor& x, const torch::Tensor& weight, const torch::Tensor& bias = {});
torch::Tensor linear(const torch::nn::Linear& layer, const torch::Tensor& x);

// torch::matmul in the current precision, or in `precision`.
torch::Tensor matmul(const torch::Tensor& a, const torch::Tensor& b);
torch::Tensor matmul(const torch::Tensor& a, const torch::Tensor& b, Precision precision);

// Parameters `parts` concatenated along dim 0, so that several projections of
// one input run as one product (self-attention's queries, keys and values).
// With grad mode the concatenation is part of the graph; without it
// (decoding) it comes from the scope's WeightCache, in the products' dtype.
torch::Tensor concatenated(const std::vector<torch::Tensor>& parts);

}  // namespace nmt::models
