#include <catch2/catch.hpp>
#include <torch/torch.h>

#include <cstdlib>
#include <filesystem>
#include <string>
#include <thread>

#include "app/runtime/runtime.h"

TEST_CASE("fp32 products run on OpenBLAS's OpenMP build when it is installed", "[runtime]") {
  if (!std::filesystem::exists(std::string(NMT_OPENMP_BLAS_DIR) + "/libblas.so.3")) {
    WARN("no OpenBLAS OpenMP build in " NMT_OPENMP_BLAS_DIR ": the system BLAS is in use");
    CHECK(nmt::blas_threading() != nmt::BlasThreading::openmp);
    return;
  }
  CHECK(nmt::blas_threading() == nmt::BlasThreading::openmp);
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
