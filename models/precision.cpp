#include "models/precision.h"

#include "models/cpu_features.h"
#include "models/flop_count.h"
#include "models/packed_linear.h"

#include <torch/nn/functional/linear.h>
#include <torch/torch.h>

#include <algorithm>
#include <iterator>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <stdexcept>
#include <utility>

namespace nmt::models {
namespace {

std::vector<int64_t> versions_of(const std::vector<torch::Tensor>& parts) {
  std::vector<int64_t> out;
  // Tensors made in inference mode (the cache's own copies) have no version:
  // they are never changed in place; a new copy replaces them.
  for (const auto& t : parts) out.push_back(t.is_inference() ? 0 : static_cast<int64_t>(t._version()));
  return out;
}

}  // namespace

// Parameters converted for inference: `parts` concatenated (or one part
// alone) in a dtype, by their tensors and versions (an in-place update bumps
// the version, so a stale copy is never used).
class WeightCache {
 public:
  torch::Tensor get(const std::vector<torch::Tensor>& parts, torch::ScalarType dtype) {
    Key key{dtype, {}};
    for (const auto& t : parts) key.second.push_back(t.unsafeGetTensorImpl());
    auto versions = versions_of(parts);
    const std::lock_guard<std::mutex> lock(mutex_);
    auto& entry = entries_[key];
    if (!entry.copy.defined() || entry.versions != versions) {
      if (entry.copy.defined()) forget(entry.copy.unsafeGetTensorImpl());
      entry.copy = (parts.size() == 1 ? parts.front() : torch::cat(parts)).to(dtype);
      entry.versions = std::move(versions);
      copies_.insert(entry.copy.unsafeGetTensorImpl());
    }
    return entry.copy;
  }

  // A copy being replaced: its address may come back for another tensor.
  void forget(const void* copy) {
    copies_.erase(copy);
    for (auto it = packed_.begin(); it != packed_.end();) {
      const auto& parts = it->first.second;
      it = std::find(parts.begin(), parts.end(), copy) != parts.end() ? packed_.erase(it) : std::next(it);
    }
  }

  // Whether `t` is a copy this cache made (its address lives as long as the cache).
  bool made(const torch::Tensor& t) {
    const std::lock_guard<std::mutex> lock(mutex_);
    return copies_.count(t.unsafeGetTensorImpl()) > 0;
  }

  // `weight` and `bias` packed for oneDNN's products in `precision`.
  std::shared_ptr<const PackedLinear> packed(const torch::Tensor& weight, const torch::Tensor& bias,
                                             Precision precision) {
    Key key{precision == Precision::int8 ? torch::kQInt8 : torch::kFloat32,
            {weight.unsafeGetTensorImpl(), bias.defined() ? bias.unsafeGetTensorImpl() : nullptr}};
    auto versions = versions_of(bias.defined() ? std::vector<torch::Tensor>{weight, bias} : std::vector<torch::Tensor>{weight});
    const std::lock_guard<std::mutex> lock(mutex_);
    auto& entry = packed_[key];
    if (!entry.linear || entry.versions != versions) {
      entry.linear = std::make_shared<const PackedLinear>(weight, bias, precision);
      entry.versions = std::move(versions);
    }
    return entry.linear;
  }

 private:
  using Key = std::pair<torch::ScalarType, std::vector<const void*>>;
  struct Entry {
    std::vector<int64_t> versions;
    torch::Tensor copy;
  };
  struct PackedEntry {
    std::vector<int64_t> versions;
    std::shared_ptr<const PackedLinear> linear;
  };
  std::mutex mutex_;
  std::map<Key, Entry> entries_;
  std::map<Key, PackedEntry> packed_;
  std::set<const void*> copies_;
};

std::shared_ptr<WeightCache> make_weight_cache() { return std::make_shared<WeightCache>(); }

namespace {

thread_local Precision current = Precision::fp32;
thread_local WeightCache* cache = nullptr;

// Parameters (leaves that require grad) outlive a scope's steps, while
// activations' addresses are reused: only parameters are cached by address.
bool is_parameter(const torch::Tensor& t) { return t.is_leaf() && t.requires_grad(); }

torch::Tensor in_bf16(const torch::Tensor& t) {
  if (!t.defined() || t.scalar_type() == torch::kBFloat16) return t;
  if (cache == nullptr || torch::GradMode::is_enabled() || !is_parameter(t)) return t.to(torch::kBFloat16);
  return cache->get({t}, torch::kBFloat16);
}

}  // namespace

Precision parse_precision(const std::string& name) {
  if (name == "auto") return cpu_features().native_bf16 ? Precision::bf16 : Precision::fp32;
  // For decoding: int8 where oneDNN has VNNI or AMX int8 products, else auto's choice.
  if (name == "fastest") return cpu_features().vnni ? Precision::int8 : parse_precision("auto");
  if (name == "fp32") return Precision::fp32;
  if (name == "bf16") return Precision::bf16;
  if (name == "int8") return Precision::int8;
  throw std::invalid_argument("unknown precision '" + name + "' (expected 'auto', 'fastest', 'fp32', 'bf16' or 'int8')");
}

std::string precision_name(Precision precision) {
  return precision == Precision::bf16 ? "bf16" : precision == Precision::int8 ? "int8" : "fp32";
}

PrecisionScope::PrecisionScope(Precision precision, std::shared_ptr<WeightCache> weights)
    : previous_(current), previous_cache_(cache), cache_(weights ? std::move(weights) : make_weight_cache()) {
  current = precision;
  cache = cache_.get();
}

PrecisionScope::~PrecisionScope() {
  current = previous_;
  cache = previous_cache_;
}

Precision current_precision() { return current; }

RecurrentProducts::RecurrentProducts() : previous_(current) {
  if (torch::GradMode::is_enabled()) current = Precision::fp32;
}

RecurrentProducts::~RecurrentProducts() { current = previous_; }

torch::ScalarType matmul_dtype() { return current == Precision::bf16 ? torch::kBFloat16 : torch::kFloat32; }

torch::Tensor linear(const torch::Tensor& x, const torch::Tensor& weight, const torch::Tensor& bias) {
  count_matmul(1, static_cast<double>(x.numel() / x.size(-1)), static_cast<double>(x.size(-1)),
               static_cast<double>(weight.size(0)));
  // Decoding packs the weights that outlive the scope: parameters and the cache's own copies.
  // (Not bf16's: LibTorch already runs them on oneDNN, and packing them was no faster.)
  if (current != Precision::bf16 && cache != nullptr && !torch::GradMode::is_enabled() &&
      (is_parameter(weight) || cache->made(weight)))
    return (*cache->packed(weight, bias, current))(x);
  if (current == Precision::int8) return torch::nn::functional::linear(x.to(torch::kFloat32), weight, bias);
  if (current == Precision::fp32) return torch::nn::functional::linear(x, weight, bias);
  return torch::nn::functional::linear(in_bf16(x), in_bf16(weight), in_bf16(bias));
}

torch::Tensor linear(const torch::nn::Linear& layer, const torch::Tensor& x) {
  return linear(x, layer->weight, layer->bias);
}

torch::Tensor matmul(const torch::Tensor& a, const torch::Tensor& b) { return matmul(a, b, current); }

torch::Tensor matmul(const torch::Tensor& a, const torch::Tensor& b, Precision precision) {
  // Batched [..., m, k] x [..., k, n]: the batch is the broadcast leading shape.
  if (a.dim() >= 2 && b.dim() >= 2) {
    const auto out_rows = a.numel() / a.size(-1) / a.size(-2);
    const auto batch = std::max(out_rows, b.numel() / b.size(-1) / b.size(-2));
    count_matmul(static_cast<double>(batch), static_cast<double>(a.size(-2)), static_cast<double>(a.size(-1)),
                 static_cast<double>(b.size(-1)));
  }
  if (precision != Precision::bf16) return torch::matmul(a.to(torch::kFloat32), b.to(torch::kFloat32));
  return torch::matmul(in_bf16(a), in_bf16(b));
}

torch::Tensor concatenated(const std::vector<torch::Tensor>& parts) {
  if (cache == nullptr || torch::GradMode::is_enabled()) return torch::cat(parts);
  return cache->get(parts, matmul_dtype());
}

}  // namespace nmt::models
