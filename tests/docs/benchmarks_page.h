#pragma once
// docs/benchmarks.md, generated from the result files in docs/results/ (one
// JSON object a line, as the benchmark scripts write them), so that each
// figure is written down once and every page links to it.
#include <string>

namespace nmt::test {

// The page for the result files in `results_dir`; throws std::runtime_error
// naming the file and line of a malformed result.
std::string benchmarks_page(const std::string& results_dir);

}  // namespace nmt::test
