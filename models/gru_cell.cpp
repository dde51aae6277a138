#include "models/gru_cell.h"

#include <torch/torch.h>

namespace nmt::models {

torch::Tensor gru_cell(const torch::Tensor& input_gates, const torch::Tensor& hidden_gates,
                       const torch::Tensor& hidden) {
  // Five element-wise kernels: the gates are fp32 whatever the products' dtype.
  const int64_t H = hidden.size(-1);
  const auto i = input_gates.to(torch::kFloat32), h = hidden_gates.to(torch::kFloat32);
  const auto rz = (i.narrow(-1, 0, 2 * H) + h.narrow(-1, 0, 2 * H)).sigmoid();
  const auto n = torch::addcmul(i.narrow(-1, 2 * H, H), rz.narrow(-1, 0, H), h.narrow(-1, 2 * H, H)).tanh();
  return torch::lerp(n, hidden, rz.narrow(-1, H, H));  // n + z * (hidden - n)
}

}  // namespace nmt::models
