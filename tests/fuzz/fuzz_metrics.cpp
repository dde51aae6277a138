// libFuzzer target: the BLEU and chrF tokenizers and scorers. Input: the
// hypothesis lines, a NUL byte, the reference lines (valid UTF-8 only: the
// line reader refuses anything else before it reaches a scorer).
#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "app/metrics/bleu.h"
#include "app/metrics/chrf.h"
#include "data/utf8.h"

namespace {

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  for (std::size_t at = 0; at <= text.size();) {
    const auto end = std::min(text.find('\n', at), text.size());
    out.push_back(text.substr(at, end - at));
    at = end + 1;
  }
  return out;
}

bool in_range(double score) { return std::isfinite(score) && score >= 0 && score <= 100 + 1e-9; }

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string input(reinterpret_cast<const char*>(data), size);
  if (nmt::data::find_invalid_utf8(input) != std::string::npos) return 0;
  const auto split = input.find('\0');
  auto hyps = lines_of(input.substr(0, split));
  auto refs = split == std::string::npos ? hyps : lines_of(input.substr(split + 1));
  refs.resize(hyps.size());  // the CLI refuses different line counts
  for (const auto& h : hyps) nmt::tokenize_13a(h);
  const auto bleu = nmt::corpus_bleu(hyps, refs);
  if (!in_range(bleu.score) || bleu.hyp_len < 0 || bleu.ref_len < 0) __builtin_trap();
  nmt::format_bleu(bleu);
  const double chrf = nmt::corpus_chrf(hyps, refs);
  if (!in_range(chrf)) __builtin_trap();
  nmt::format_chrf(chrf);
  // A hypothesis that is its reference scores 100 chrF whenever there are characters to compare.
  const double self = nmt::corpus_chrf(refs, refs);
  if (!in_range(self)) __builtin_trap();
  return 0;
}
