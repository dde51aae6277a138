// nmt's own kernels choose their instructions as ATen's do: what the CPU has,
// lowered by ATEN_CPU_CAPABILITY, so a run held to AVX2 runs them on AVX2.
#include <catch2/catch.hpp>

#include <cstdlib>
#include <string>

#include "models/vector_isa.h"

using nmt::models::VectorIsa;

TEST_CASE("the kernels' instructions are the CPU's, lowered by ATEN_CPU_CAPABILITY", "[kernels]") {
  const bool avx2 = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
  const bool avx512 = __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512vl") &&
                      __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512dq");
  const char* held = std::getenv("ATEN_CPU_CAPABILITY");
  const std::string cap = held ? held : "";
  INFO("ATEN_CPU_CAPABILITY=" << cap);
  if (cap == "default") CHECK(nmt::models::vector_isa() == VectorIsa::generic);
  else if (cap == "avx2" || !avx512) CHECK(nmt::models::vector_isa() == (avx2 ? VectorIsa::avx2 : VectorIsa::generic));
  else CHECK(nmt::models::vector_isa() == VectorIsa::avx512);
}
