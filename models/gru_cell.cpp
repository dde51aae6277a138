#include "models/gru_cell.h"

#include <torch/torch.h>

namespace nmt::models {

torch::Tensor gru_cell(const torch::Tensor& input_gates, const torch::Tensor& hidden_gates,
                       const torch::Tensor& hidden) {
  // Five element-wise kernels: the gates are fp32 whatever the products' dtype.
  // Parts are taken with split, not narrow: a split's gradient is one
  // concatenation, a narrow's a zero-filled tensor of the whole per part.
  const int64_t H = hidden.size(-1);
  const auto i = input_gates.to(torch::kFloat32).split_with_sizes({2 * H, H}, -1);
  const auto h = hidden_gates.to(torch::kFloat32).split_with_sizes({2 * H, H}, -1);
  const auto rz = (i[0] + h[0]).sigmoid().chunk(2, -1);  // r, z
  const auto n = torch::addcmul(i[1], rz[0], h[1]).tanh();
  return torch::lerp(n, hidden, rz[1]);  // n + z * (hidden - n)
}

}  // namespace nmt::models
