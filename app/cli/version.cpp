#include "app/cli/version.h"

#include <CLI/CLI.hpp>
#include <torch/version.h>

#include "app/runtime/runtime.h"
#include "models/cpu_features.h"
#include "models/precision.h"

namespace nmt {

std::string version_text(const std::string& tool) {
  const auto& cpu = models::cpu_features();
  return tool + " " + NMT_VERSION + " (commit " + build_commit() + ")\n" +
         "LibTorch " + TORCH_VERSION + " (its headers)" + ", " + memory_allocator() + "\n" +
         "CPU: " + models::describe(cpu) + "\n" +
         "precision auto: " + models::precision_name(models::parse_precision("auto")) +
         ", fastest: " + models::precision_name(models::parse_precision("fastest"));
}

void add_version_flag(CLI::App& cli, const std::string& tool) {
  cli.set_version_flag("--version", [tool] { return version_text(tool); }, "print the version, commit, "
                       "LibTorch version and the CPU features used, and exit");
}

}  // namespace nmt
