// libFuzzer target: the YAML config loader and --set overrides. Input: YAML
// text, optionally followed by a line "--set" and one override per line. A
// config error (nmt::Error) is the expected answer to bad input; anything
// else escaping, a crash or a sanitizer report is a bug.
#include <unistd.h>

#include <cstdint>
#include <fstream>
#include <string>
#include <vector>

#include "app/config/config.h"
#include "common/error.h"

namespace {

std::string scratch_path() {
  static const std::string path = "/tmp/nmt-fuzz-config-" + std::to_string(getpid()) + ".yaml";
  return path;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string input(reinterpret_cast<const char*>(data), size);
  const auto split = input.find("\n--set\n");
  const std::string yaml = input.substr(0, split);
  std::vector<std::string> overrides;
  if (split != std::string::npos) {
    std::string rest = input.substr(split + 7);
    for (std::size_t at = 0; at <= rest.size();) {
      const auto end = std::min(rest.find('\n', at), rest.size());
      overrides.push_back(rest.substr(at, end - at));
      at = end + 1;
    }
  }
  {
    std::ofstream out(scratch_path(), std::ios::binary | std::ios::trunc);
    out << yaml;
  }
  try {
    auto config = nmt::load_config(scratch_path());
    nmt::apply_overrides(config, overrides);
    // What loads must survive the round trip through the resolved YAML.
    const auto text = nmt::to_yaml(config);
    {
      std::ofstream out(scratch_path(), std::ios::binary | std::ios::trunc);
      out << text;
    }
    if (nmt::to_yaml(nmt::load_config(scratch_path())) != text) __builtin_trap();
  } catch (const nmt::Error&) {
  }
  return 0;
}
