#include <catch2/catch.hpp>
#include <torch/torch.h>

#include <cstdlib>
#include <filesystem>
#include <string>
#include <thread>

#include "app/runtime/runtime.h"
#include "helpers.h"

TEST_CASE("fp32 products run on OpenBLAS's OpenMP build when it is installed", "[runtime]") {
  if (!std::filesystem::exists(std::string(NMT_OPENMP_BLAS_DIR) + "/libblas.so.3")) {
    WARN("no OpenBLAS OpenMP build in " NMT_OPENMP_BLAS_DIR ": the system BLAS is in use");
    CHECK(nmt::blas_threading() != nmt::BlasThreading::openmp);
    return;
  }
  CHECK(nmt::blas_threading() == nmt::BlasThreading::openmp);
}

TEST_CASE("the executables allocate with the malloc the build linked", "[runtime]") {
  // tcmalloc where it is installed (CMakeLists.txt): the global malloc, which
  // LibTorch and every other library call, must be tcmalloc's.
  CHECK(nmt::memory_allocator() == NMT_EXPECTED_ALLOCATOR);
}

TEST_CASE("auto threads: one per core when BLAS shares LibTorch's pool, else one for fp32", "[runtime]") {
  const int cores = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  const bool shared = nmt::blas_threading() == nmt::BlasThreading::openmp;
  nmt::setup_threads(0, /*bf16_products=*/false);
  CHECK(torch::get_num_threads() == (shared ? cores : 1));
  nmt::setup_threads(0, /*bf16_products=*/true);
  CHECK(torch::get_num_threads() == cores);
  nmt::setup_threads(1, /*bf16_products=*/true);  // an explicit count is kept
  CHECK(torch::get_num_threads() == 1);
}

TEST_CASE("ideep's cache is capped unless the user sized it", "[runtime]") {
  unsetenv("LRU_CACHE_CAPACITY");
  nmt::limit_ideep_cache();
  REQUIRE(std::getenv("LRU_CACHE_CAPACITY") != nullptr);
  CHECK(std::string(std::getenv("LRU_CACHE_CAPACITY")) == "1");
  setenv("LRU_CACHE_CAPACITY", "64", 1);
  nmt::limit_ideep_cache();
  CHECK(std::string(std::getenv("LRU_CACHE_CAPACITY")) == "64");
}

TEST_CASE("nmt's executables make OpenMP threads spin briefly unless the user chose", "[runtime]") {
  // libgomp shows what it read at start-up (OMP_DISPLAY_ENV=verbose): how
  // often a thread spins before it sleeps, GOMP_SPINCOUNT, is 300000 by
  // default, 0 when passive, 3e10 when active.
  auto shown = [](const std::string& env, const std::string& tool = "nmt-translate") {
    const auto r = nmt::test::run("env -u OMP_WAIT_POLICY -u GOMP_SPINCOUNT " + env + " OMP_DISPLAY_ENV=verbose " +
                                      nmt::test::tool(tool) + " --help",
                                  "openmp-wait");
    REQUIRE(r.status == 0);
    return r.err;
  };
  using Catch::Matchers::Contains;
  // Offline decoding tools spin longer than training and serving, which share the cores.
  CHECK_THAT(shown(""), Contains("GOMP_SPINCOUNT = '10000'"));
  CHECK_THAT(shown("", "nmt-serve"), Contains("GOMP_SPINCOUNT = '1000'"));
  CHECK_THAT(shown("", "nmt-train"), Contains("GOMP_SPINCOUNT = '1000'"));
  CHECK_THAT(shown("OMP_WAIT_POLICY=passive"), Contains("OMP_WAIT_POLICY = 'PASSIVE'") && Contains("GOMP_SPINCOUNT = '0'"));
  CHECK_THAT(shown("OMP_WAIT_POLICY=active"), Contains("OMP_WAIT_POLICY = 'ACTIVE'"));
  CHECK_THAT(shown("GOMP_SPINCOUNT=5000"), Contains("GOMP_SPINCOUNT = '5000'"));
  // The test binary carries the same definition; the log says where the setting came from.
  if (!secure_getenv("OMP_WAIT_POLICY") && !secure_getenv("GOMP_SPINCOUNT"))
    CHECK_THAT(nmt::openmp_wait_policy(), Contains("spin 1000 times") && Contains("nmt's default"));
  setenv("GOMP_SPINCOUNT", "1234", 1);
  CHECK(nmt::openmp_wait_policy() == "GOMP_SPINCOUNT=1234 (environment)");
  unsetenv("GOMP_SPINCOUNT");
}
