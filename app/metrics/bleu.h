#pragma once
// Corpus BLEU exactly as sacreBLEU 2.x computes it by default: 13a tokenization,
// case-sensitive, n-grams up to 4, exponential smoothing, no effective order.
#include <array>
#include <cstdint>
#include <string>
#include <vector>

namespace nmt {

// sacreBLEU's "13a" tokenizer (mteval-v13a): entity unescaping, ASCII
// punctuation split off, '.' and ',' kept between digits, '-' split after a digit.
std::vector<std::string> tokenize_13a(const std::string& line);

struct BleuStats {
  std::array<std::int64_t, 4> correct{};
  std::array<std::int64_t, 4> total{};
  std::int64_t hyp_len = 0;
  std::int64_t ref_len = 0;
  void add(const std::string& hypothesis, const std::string& reference);
  BleuStats& operator+=(const BleuStats& other);  // the corpus's statistics are the sum of its sentences'
};

struct BleuScore {
  double score = 0;
  std::array<double, 4> precisions{};
  double bp = 0;
  double ratio = 0;
  std::int64_t hyp_len = 0;
  std::int64_t ref_len = 0;
};

BleuScore compute_bleu(const BleuStats& stats);
BleuScore corpus_bleu(const std::vector<std::string>& hyps, const std::vector<std::string>& refs);

extern const char* const kBleuSignature;
// sacreBLEU's text line: "BLEU|<signature> = 31.3 94.7/75.0/69.2/70.0 (BP = ... ref_len = 36)".
std::string format_bleu(const BleuScore& score);

}  // namespace nmt
