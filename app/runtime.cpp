#include "app/runtime.h"

#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>
#include <torch/cuda.h>
#include <torch/utils.h>

#include <iostream>
#include <thread>

#include "data/error.h"

namespace nmt {

int run_main(const std::function<int()>& body) {
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
  const int cores = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  const int n = threads > 0 ? threads : cores;
  torch::set_num_threads(n);
  spdlog::debug("using {} intra-op threads ({} cores)", n, cores);
}

std::string resolve_device(const std::string& device) {
  if (device == "auto") return torch::cuda::is_available() ? "cuda" : "cpu";
  if (device == "cuda" && !torch::cuda::is_available())
    throw Error("training.device is 'cuda' but this LibTorch has no CUDA device");
  return device;
}

}  // namespace nmt
