#pragma once
// What every executable does around its one real call: logging to stderr,
// thread set-up, and turning errors into one line and a non-zero exit.
#include <functional>
#include <string>

namespace nmt {

// Runs `body`, printing any error as one line on stderr; returns the exit code.
int run_main(const std::function<int()>& body);

// Uses `threads` intra-op threads (0 = all cores) and logs the choice.
void setup_threads(int threads);

// "auto" picks CUDA when LibTorch has it, else the CPU.
std::string resolve_device(const std::string& device);

}  // namespace nmt
