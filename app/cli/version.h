#pragma once
// What a tool is: `--version` on every executable.
#include <string>

namespace CLI {
class App;
}

namespace nmt {

// The commit the tools were built from (cmake/commit.cmake writes it).
const char* build_commit();

// "nmt-train 0.4.0 (commit abc1234), LibTorch 1.13.0, tcmalloc; CPU: ..."
// over a few lines: the version, the commit, the libraries and the CPU
// features the matrix products use.
std::string version_text(const std::string& tool);

// Adds --version to `cli`: prints version_text(tool) on stdout and exits 0.
void add_version_flag(CLI::App& cli, const std::string& tool);

}  // namespace nmt
