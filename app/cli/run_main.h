#pragma once
// What every executable does around its one real call: logging to stderr,
// the allocator set-up, and turning errors into one line and a non-zero exit.
#include <functional>

namespace nmt {

// Runs `body`, printing any error as one line on stderr; returns the exit code.
int run_main(const std::function<int()>& body);

}  // namespace nmt
