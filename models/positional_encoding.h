#pragma once
// Sinusoidal positional encoding (Vaswani et al. 2017):
// PE[p, 2i] = sin(p / 10000^(2i/D)), PE[p, 2i+1] = cos(p / 10000^(2i/D)).
// Fixed, so it has no parameters and is not saved with the weights.
#include <torch/types.h>

namespace nmt::models {

// [positions, dim] table.
torch::Tensor sinusoidal_table(int64_t positions, int64_t dim);

class PositionalEncoding {
 public:
  explicit PositionalEncoding(int64_t dim);
  // x [B, T, D] + the encodings of positions offset .. offset + T - 1.
  torch::Tensor add(const torch::Tensor& x, int64_t offset = 0);

 private:
  int64_t dim_;
  torch::Tensor table_;  // grown on demand, kept on the device of the last input
};

}  // namespace nmt::models
