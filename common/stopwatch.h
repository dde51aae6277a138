#pragma once
// Elapsed wall time, for progress lines and the cost figures that the tools report.
#include <chrono>

namespace nmt {

using Clock = std::chrono::steady_clock;

inline double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

}  // namespace nmt
