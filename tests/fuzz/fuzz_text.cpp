// libFuzzer target: UTF-8 validation and the corpus line reader, on
// arbitrary bytes, in both line modes. An nmt::Error (invalid UTF-8, named
// with its line) is the expected answer; its claims are checked. Then the
// sentence splitter, which must keep every byte between its sentences.
#include <cstdint>
#include <sstream>
#include <string>

#include "common/error.h"
#include "data/sentence_splitter.h"
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
  static const auto splitter = nmt::data::SentenceSplitter::for_language("de");
  const auto split = splitter.split(input);
  if (!split.sentences.empty() && split.separators.size() + 1 != split.sentences.size()) __builtin_trap();
  const auto space = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f'; };
  std::string rebuilt;
  for (std::size_t i = 0; i < split.sentences.size(); ++i) {
    const auto& sentence = split.sentences[i];
    if (sentence.empty() || space(sentence.front()) || space(sentence.back())) __builtin_trap();
    rebuilt += (i > 0 ? split.separators[i - 1] : "") + sentence;
  }
  const auto first = input.find_first_not_of(" \t\n\r\v\f");
  const auto trimmed = first == std::string::npos ? "" : input.substr(first, input.find_last_not_of(" \t\n\r\v\f") - first + 1);
  if (rebuilt != trimmed) __builtin_trap();
  return 0;
}
