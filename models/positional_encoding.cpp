#include "models/positional_encoding.h"

#include <torch/torch.h>

#include <algorithm>
#include <cmath>

namespace nmt::models {

torch::Tensor sinusoidal_table(int64_t positions, int64_t dim) {
  const auto position = torch::arange(positions, torch::kFloat64).unsqueeze(1);           // [P, 1]
  const auto even = torch::arange(0, dim, 2, torch::kFloat64);                             // 2i
  const auto angle = position * torch::exp(even * (-std::log(10000.0) / static_cast<double>(dim)));
  auto table = torch::zeros({positions, dim}, torch::kFloat64);
  table.index_put_({torch::indexing::Slice(), torch::indexing::Slice(0, dim, 2)}, angle.sin());
  // An odd dimension has one cosine column fewer than sine columns.
  table.index_put_({torch::indexing::Slice(), torch::indexing::Slice(1, dim, 2)},
                   angle.cos().index({torch::indexing::Slice(), torch::indexing::Slice(0, dim / 2)}));
  return table.to(torch::kFloat32);
}

PositionalEncoding::PositionalEncoding(int64_t dim) : dim_(dim), table_(sinusoidal_table(512, dim)) {}

torch::Tensor PositionalEncoding::add(const torch::Tensor& x, int64_t offset) {
  const int64_t needed = offset + x.size(1);
  if (needed > table_.size(0)) table_ = sinusoidal_table(std::max(needed, 2 * table_.size(0)), dim_);
  if (table_.device() != x.device() || table_.dtype() != x.dtype()) table_ = table_.to(x.device(), x.scalar_type());
  return x + table_.narrow(0, offset, x.size(1));
}

}  // namespace nmt::models
