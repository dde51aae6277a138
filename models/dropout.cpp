#include "models/dropout.h"

#include <torch/torch.h>

#include <cmath>
#include <cstdint>
#include <limits>

namespace nmt::models {
namespace {

// Mask with 0 (dropped) or 1 / (1 - p) (kept), from 16-bit uniform draws.
torch::Tensor dropout_mask(const torch::Tensor& like, double p) {
  auto mask = torch::empty(like.sizes(), like.options().dtype(torch::kFloat32));
  const auto threshold = static_cast<uint32_t>(std::lround(p * 65536.0));
  const float keep = static_cast<float>(65536.0 / (65536.0 - threshold));
  uint64_t s = static_cast<uint64_t>(torch::randint(std::numeric_limits<int64_t>::max(), {1}, torch::kInt64)
                                         .item<int64_t>()) | 1;  // xorshift state must be non-zero
  float* out = mask.data_ptr<float>();
  const int64_t n = mask.numel();
  for (int64_t i = 0; i < n; i += 4) {
    s ^= s >> 12, s ^= s << 25, s ^= s >> 27;  // xorshift64*
    uint64_t r = s * 0x2545F4914F6CDD1DULL;
    for (int64_t j = i; j < std::min(n, i + 4); ++j, r >>= 16)
      out[j] = (r & 0xFFFF) < threshold ? 0.0f : keep;
  }
  return like.scalar_type() == torch::kFloat32 ? mask : mask.to(like.scalar_type());
}

}  // namespace

torch::Tensor fast_dropout(const torch::Tensor& x, double p, bool training) {
  if (!training || p <= 0) return x;
  if (!x.device().is_cpu()) return torch::dropout(x, p, true);
  return x * dropout_mask(x, p);
}

void set_dropout(torch::nn::Module& model, double p) {
  for (const auto& module : model.modules(/*include_self=*/true))
    if (auto* rate = dynamic_cast<DropoutRate*>(module.get())) rate->set_dropout(p);
}

}  // namespace nmt::models
