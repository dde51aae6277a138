#include "app/runtime/matmul_peak.h"

#include <torch/torch.h>

#include <algorithm>
#include <chrono>

namespace nmt {

double matmul_gflops(int64_t m, int64_t k, int64_t n, c10::ScalarType dtype, int repeats) {
  torch::NoGradGuard no_grad;
  const auto a = torch::randn({m, k}).to(dtype), b = torch::randn({k, n}).to(dtype);
  auto out = torch::matmul(a, b);  // warm-up: allocation, oneDNN's kernel
  double best = 1e300;
  for (int r = 0; r < std::max(1, repeats); ++r) {
    const auto start = std::chrono::steady_clock::now();
    out = torch::matmul(a, b);
    best = std::min(best, std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  }
  return 2.0 * static_cast<double>(m) * static_cast<double>(k) * static_cast<double>(n) / best / 1e9;
}

}  // namespace nmt
