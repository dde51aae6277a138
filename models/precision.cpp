#include "models/precision.h"

#include "models/flop_count.h"

#include <torch/nn/functional/linear.h>
#include <torch/torch.h>

#include <stdexcept>
#include <unordered_map>

namespace nmt::models {
namespace {

// bf16 copies of weights for one inference scope, by tensor and its version
// (an in-place update bumps the version, so a stale copy is never used).
struct WeightCache {
  struct Entry {
    int64_t version;
    torch::Tensor copy;
  };
  std::unordered_map<const void*, Entry> entries;
};

thread_local Precision current = Precision::fp32;
thread_local WeightCache* cache = nullptr;

torch::Tensor in_bf16(const torch::Tensor& t) {
  if (!t.defined() || t.scalar_type() == torch::kBFloat16) return t;
  // Only parameters (leaves that require grad) are cached: they outlive the
  // scope's steps, while activations' addresses are reused.
  const bool parameter = t.is_leaf() && t.requires_grad();
  if (cache == nullptr || torch::GradMode::is_enabled() || !parameter) return t.to(torch::kBFloat16);
  auto& entry = cache->entries[t.unsafeGetTensorImpl()];
  if (!entry.copy.defined() || entry.version != static_cast<int64_t>(t._version())) {
    entry.copy = t.to(torch::kBFloat16);
    entry.version = static_cast<int64_t>(t._version());
  }
  return entry.copy;
}

}  // namespace

Precision parse_precision(const std::string& name) {
  if (name == "fp32") return Precision::fp32;
  if (name == "bf16") return Precision::bf16;
  throw std::invalid_argument("unknown precision '" + name + "' (expected 'fp32' or 'bf16')");
}

std::string precision_name(Precision precision) { return precision == Precision::bf16 ? "bf16" : "fp32"; }

PrecisionScope::PrecisionScope(Precision precision) : previous_(current), previous_cache_(cache) {
  current = precision;
  cache = precision == Precision::bf16 ? new WeightCache : nullptr;
}

PrecisionScope::~PrecisionScope() {
  delete cache;
  current = previous_;
  cache = static_cast<WeightCache*>(previous_cache_);
}

Precision current_precision() { return current; }

torch::ScalarType matmul_dtype() { return current == Precision::bf16 ? torch::kBFloat16 : torch::kFloat32; }

torch::Tensor linear(const torch::Tensor& x, const torch::Tensor& weight, const torch::Tensor& bias) {
  count_matmul(1, static_cast<double>(x.numel() / x.size(-1)), static_cast<double>(x.size(-1)),
               static_cast<double>(weight.size(0)));
  if (current == Precision::fp32) return torch::nn::functional::linear(x, weight, bias);
  return torch::nn::functional::linear(in_bf16(x), in_bf16(weight), in_bf16(bias));
}

torch::Tensor linear(const torch::nn::Linear& layer, const torch::Tensor& x) {
  return linear(x, layer->weight, layer->bias);
}

torch::Tensor matmul(const torch::Tensor& a, const torch::Tensor& b) {
  // Batched [..., m, k] x [..., k, n]: the batch is the broadcast leading shape.
  if (a.dim() >= 2 && b.dim() >= 2) {
    const auto out_rows = a.numel() / a.size(-1) / a.size(-2);
    const auto batch = std::max(out_rows, b.numel() / b.size(-1) / b.size(-2));
    count_matmul(static_cast<double>(batch), static_cast<double>(a.size(-2)), static_cast<double>(a.size(-1)),
                 static_cast<double>(b.size(-1)));
  }
  if (current == Precision::fp32) return torch::matmul(a, b);
  return torch::matmul(in_bf16(a), in_bf16(b));
}

bool cpu_has_native_bf16() {
#if defined(__x86_64__) && defined(__GNUC__)
  return __builtin_cpu_supports("avx512bf16");
#else
  return false;
#endif
}

}  // namespace nmt::models
