#pragma once
// Counts the floating-point operations of the models' matrix products (2 per
// multiply-add), where they happen: models::linear and models::matmul (see
// precision.h) and the GRU layers. Element-wise work (softmax, layer norm,
// activations) is not counted: it is a few percent of the total and no matrix
// unit runs it. A FlopCount scope counts on its own thread.
#include <cstdint>

namespace nmt::models {

class FlopCount {
 public:
  FlopCount();
  ~FlopCount();
  FlopCount(const FlopCount&) = delete;
  FlopCount& operator=(const FlopCount&) = delete;
  double flops() const { return flops_; }

 private:
  friend void count_flops(double flops);
  double flops_ = 0;
  FlopCount* outer_;
};

// Adds to the innermost FlopCount of this thread, if any.
void count_flops(double flops);

// A product of an [m, k] and a [k, n] matrix, `batch` times.
inline void count_matmul(double batch, double m, double k, double n) { count_flops(2 * batch * m * k * n); }

}  // namespace nmt::models
