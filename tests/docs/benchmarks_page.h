#pragma once
// docs/benchmarks.md, generated from the result files in docs/results/ (one
// JSON object a line, as the benchmark scripts write them), so that each
// figure is written down once and every page links to it.
#include <string>

namespace nmt::test {

// The page for the result files in `results_dir`; throws std::runtime_error
// naming the file and line of a malformed result.
std::string benchmarks_page(const std::string& results_dir);

// The tables of one group of results, for a page that shows them beside its
// text (a recipe page): the quality rows whose corpus is `group`, the speed
// rows whose group is `group`.
std::string results_block(const std::string& results_dir, const std::string& group);

// `page` with the text between its markers "<!-- results: GROUP ... -->" and
// "<!-- end of results -->" replaced by `block`; throws when it has none.
std::string with_results_block(const std::string& page, const std::string& group, const std::string& block);

}  // namespace nmt::test
