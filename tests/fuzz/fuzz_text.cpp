// libFuzzer target: UTF-8 validation and the corpus line reader, on
// arbitrary bytes, in both line modes. An nmt::Error (invalid UTF-8, named
// with its line) is the expected answer; its claims are checked.
#include <cstdint>
#include <sstream>
#include <string>

#include "common/error.h"
#include "data/text_file.h"
#include "data/utf8.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string input(reinterpret_cast<const char*>(data), size);
  const auto bad = nmt::data::find_invalid_utf8(input);
  if (bad == std::string::npos) {
    if (nmt::data::utf8_length(input) > input.size()) __builtin_trap();
  } else {
    if (bad >= input.size()) __builtin_trap();
    // Everything before the first invalid sequence is valid.
    if (nmt::data::find_invalid_utf8(input.substr(0, bad)) != std::string::npos) __builtin_trap();
  }
  for (const auto mode : {nmt::data::LineEnds::kClean, nmt::data::LineEnds::kRaw}) {
    std::istringstream in(input);
    try {
      const auto lines = nmt::data::read_lines(in, "<fuzz>", mode);
      if (bad != std::string::npos) __builtin_trap();  // invalid UTF-8 must not pass
      std::size_t bytes = 0;
      for (const auto& l : lines) {
        if (l.find('\n') != std::string::npos) __builtin_trap();
        bytes += l.size() + 1;
      }
      if (mode == nmt::data::LineEnds::kRaw && bytes < input.size()) __builtin_trap();
    } catch (const nmt::Error&) {
      if (bad == std::string::npos) __builtin_trap();  // valid text must not be refused
    }
  }
  return 0;
}
