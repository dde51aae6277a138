// The libFuzzer targets build and run briefly from their seed corpora without
// a finding (scripts/fuzz.sh; the long runs are in the README).
#include <catch2/catch.hpp>

#include "helpers.h"

TEST_CASE("the fuzz targets run without a finding", "[fuzz]") {
  if (nmt::test::run("command -v clang++-14 && test -e /usr/lib/llvm-14/lib/clang/14.0.6/lib/linux/libclang_rt.fuzzer-x86_64.a",
                     "which-clang").status != 0) {
    WARN("SKIPPED: clang-14 or libfuzzer-14-dev is not installed");
    return;
  }
  const auto work = nmt::test::scratch_dir("fuzz").string();
  const auto r = nmt::test::run("FUZZ_WORK=" + work + " FUZZ_BUILD=" + std::string(NMT_BINARY_DIR) + "/fuzz " +
                                    nmt::test::source_path("scripts/fuzz.sh") + " 10",
                                "fuzz");
  INFO(r.out << r.err);
  CHECK(r.status == 0);
  for (const char* target : {"config", "text", "metrics", "translate"})
    CHECK_THAT(r.out, Catch::Matchers::Contains(std::string("\"target\": \"") + target + "\""));
}
