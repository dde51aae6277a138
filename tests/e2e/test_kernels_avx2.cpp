// The decoding kernels on the CPUs users have. nmt's intrinsics kernels and
// its fp32 product path (oneDNN's sgemm where its matmul has no brgemm kernel)
// depend on the CPU, and a test run on an AVX-512 machine takes only that
// machine's paths: the kernels' tests ([kernels]) run again in a child process
// held to what an AVX2-only CPU has, and to no vector instructions at all.
#include <catch2/catch.hpp>

#include "helpers.h"

using Catch::Matchers::Contains;
using nmt::test::run;
using nmt::test::tool;

TEST_CASE("the decoding kernels' tests pass held to AVX2 and to no vector instructions", "[cpu][e2e]") {
  for (const std::string held : {"ONEDNN_MAX_CPU_ISA=AVX2 ATEN_CPU_CAPABILITY=avx2 OPENBLAS_CORETYPE=Haswell ",
                                 "ATEN_CPU_CAPABILITY=default "}) {
    INFO(held);
    // --warn NoTests: a tag that matches nothing fails instead of passing empty.
    const auto r = run(held + tool("nmt-tests") + " --warn NoTests '[kernels]'", "kernels-held");
    INFO(r.out + r.err);
    CHECK(r.status == 0);
    CHECK_THAT(r.out, Contains("All tests passed"));
  }
}
