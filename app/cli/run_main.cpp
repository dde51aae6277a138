#include "app/cli/run_main.h"

#include <c10/util/Exception.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <iostream>

#include "app/runtime/runtime.h"
#include "common/error.h"

namespace nmt {

int run_main(const std::function<int()>& body) {
  keep_freed_memory();
  limit_ideep_cache();
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

}  // namespace nmt
