#include "models/vector_isa.h"

#include <cstdlib>
#include <string>

namespace nmt::models {
namespace {

VectorIsa detect() {
  VectorIsa isa = VectorIsa::generic;
  if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) isa = VectorIsa::avx2;
  if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512vl") &&
      __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512dq"))
    isa = VectorIsa::avx512;
  if (const char* cap = std::getenv("ATEN_CPU_CAPABILITY")) {
    const std::string held(cap);
    if (held == "default") isa = VectorIsa::generic;
    else if (held == "avx2" && isa == VectorIsa::avx512) isa = VectorIsa::avx2;
  }
  return isa;
}

}  // namespace

VectorIsa vector_isa() {
  static const VectorIsa isa = detect();
  return isa;
}

}  // namespace nmt::models
