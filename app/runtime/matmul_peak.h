#pragma once
// What this machine's matrix products reach, measured rather than assumed:
// the denominator of model FLOPs utilization (MFU).
#include <c10/core/ScalarType.h>

#include <cstdint>

namespace nmt {

// GFLOP/s of an [m, k] x [k, n] product in `dtype` (kFloat or kBFloat16), the
// best of `repeats` timed products after a warm-up, on the threads set now.
double matmul_gflops(int64_t m, int64_t k, int64_t n, c10::ScalarType dtype, int repeats = 5);

}  // namespace nmt
