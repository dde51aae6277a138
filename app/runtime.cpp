#include "app/runtime.h"

#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>
#include <torch/cuda.h>
#include <torch/utils.h>

#include <malloc.h>

#include <iostream>
#include <thread>

#include "data/error.h"

namespace nmt {

namespace {

// LibTorch allocates and frees tensors of tens of MB at every step (logits
// over the vocabulary, GRU activations). glibc serves those with mmap and
// returns them with munmap, so every step paid page faults again: a third of
// training CPU time was system time. Keeping freed memory in the heap instead
// raised GRU training on Multi30k from 1660 to 2634 target tokens/s.
void keep_freed_memory() {
  mallopt(M_MMAP_MAX, 0);
  mallopt(M_TRIM_THRESHOLD, 1 << 30);
  mallopt(M_TOP_PAD, 256 << 20);
}

}  // namespace

int run_main(const std::function<int()>& body) {
  keep_freed_memory();
  // Logs are diagnostics: stderr. Results go to stdout.
  auto logger = spdlog::stderr_color_mt("nmt");
  logger->set_pattern("[%Y-%m-%d %H:%M:%S] [%^%l%$] %v");
  spdlog::set_default_logger(logger);
  try {
    return body();
  } catch (const Error& e) {
    std::cerr << "error: " << e.what() << "\n";
  } catch (const c10::Error& e) {
    std::cerr << "error (LibTorch): " << e.what_without_backtrace() << "\n";
  } catch (const std::exception& e) {
    std::cerr << "error: " << e.what() << "\n";
  }
  return 1;
}

void setup_threads(int threads) {
  // LibTorch's intra-op pool (OpenMP) and OpenBLAS's own pthreads both want
  // every core, and their busy-waiting collided on 2 cores. GRU training on
  // the generated corpus ran at about 1600 target tokens/s with both pools at
  // 2 threads and about 3900 with LibTorch at 1 thread; on Multi30k (hidden
  // 256) LibTorch at 1 thread (2189) also beat OMP_WAIT_POLICY=PASSIVE (2088).
  // So "auto" (0) gives LibTorch one thread; the matrix products, where most
  // of the work is, still use every core through OpenBLAS.
  const int n = threads > 0 ? threads : 1;
  torch::set_num_threads(n);
  const int cores = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  spdlog::debug("LibTorch intra-op threads: {} ({} cores)", n, cores);
}

std::string resolve_device(const std::string& device) {
  if (device == "auto") return torch::cuda::is_available() ? "cuda" : "cpu";
  if (device == "cuda" && !torch::cuda::is_available())
    throw Error("training.device is 'cuda' but this LibTorch has no CUDA device");
  return device;
}

}  // namespace nmt
