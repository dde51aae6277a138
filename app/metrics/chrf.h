#pragma once
// Corpus chrF exactly as sacreBLEU 2.x computes it by default: character
// n-grams up to 6 over code points with whitespace removed, beta 2, no word
// n-grams, precision and recall averaged over the orders both sides have.
#include <array>
#include <cstdint>
#include <string>
#include <vector>

namespace nmt {

struct ChrfStats {
  // Per order: hypothesis n-grams, reference n-grams, matches.
  std::array<std::array<std::int64_t, 3>, 6> counts{};
  void add(const std::string& hypothesis, const std::string& reference);
  ChrfStats& operator+=(const ChrfStats& other);  // the corpus's statistics are the sum of its sentences'
};

double compute_chrf(const ChrfStats& stats);
double corpus_chrf(const std::vector<std::string>& hyps, const std::vector<std::string>& refs);

extern const char* const kChrfSignature;
std::string format_chrf(double score);  // "chrF2|<signature> = 68.0"

}  // namespace nmt
