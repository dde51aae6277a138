#include "app/metrics/chrf.h"

#include <cstdio>
#include <unordered_map>

#include "app/metrics/unicode_text.h"
#include "common/error.h"

namespace nmt {
namespace {

constexpr int kOrder = 6;
constexpr double kBeta = 2;

std::array<std::unordered_map<std::u32string, std::int64_t>, kOrder> char_ngrams(const std::string& line) {
  std::u32string chars;
  for (const auto& word : split_python_whitespace(utf8_to_u32(line))) chars += word;
  std::array<std::unordered_map<std::u32string, std::int64_t>, kOrder> counts;
  for (int n = 1; n <= kOrder; ++n)
    for (std::size_t i = 0; i + n <= chars.size(); ++i) ++counts[n - 1][chars.substr(i, n)];
  return counts;
}

}  // namespace

const char* const kChrfSignature = "nrefs:1|case:mixed|eff:yes|nc:6|nw:0|space:no|version:2.6.0";

void ChrfStats::add(const std::string& hypothesis, const std::string& reference) {
  const auto hyp = char_ngrams(hypothesis);
  const auto ref = char_ngrams(reference);
  for (int n = 0; n < kOrder; ++n) {
    std::int64_t hyp_count = 0, ref_count = 0, match = 0;
    for (const auto& [gram, count] : hyp[n]) {
      hyp_count += count;
      const auto it = ref[n].find(gram);
      if (it != ref[n].end()) match += std::min(count, it->second);
    }
    for (const auto& entry : ref[n]) ref_count += entry.second;
    // As sacreBLEU: a segment whose reference has no n-gram of this order
    // does not count its hypothesis n-grams either.
    counts[n][0] += ref[n].empty() ? 0 : hyp_count;
    counts[n][1] += ref_count;
    counts[n][2] += match;
  }
}

ChrfStats& ChrfStats::operator+=(const ChrfStats& other) {
  for (int n = 0; n < kOrder; ++n)
    for (int i = 0; i < 3; ++i) counts[n][i] += other.counts[n][i];
  return *this;
}

double compute_chrf(const ChrfStats& stats) {
  const double factor = kBeta * kBeta;
  double avg_precision = 0, avg_recall = 0;
  int effective_order = 0;
  for (const auto& [hyp, ref, match] : stats.counts) {
    if (hyp > 0 && ref > 0) {
      avg_precision += static_cast<double>(match) / static_cast<double>(hyp);
      avg_recall += static_cast<double>(match) / static_cast<double>(ref);
      ++effective_order;
    }
  }
  if (effective_order == 0) return 0.0;
  avg_precision /= effective_order;
  avg_recall /= effective_order;
  if (avg_precision + avg_recall == 0) return 0.0;
  // The same operation order as sacreBLEU, so even the last bits agree.
  double score = (1 + factor) * avg_precision * avg_recall;
  score /= factor * avg_precision + avg_recall;
  return 100 * score;
}

double corpus_chrf(const std::vector<std::string>& hyps, const std::vector<std::string>& refs) {
  if (hyps.size() != refs.size())
    throw Error("chrF needs as many hypotheses as references (" + std::to_string(hyps.size()) +
                " vs " + std::to_string(refs.size()) + ")");
  ChrfStats stats;
  for (std::size_t i = 0; i < hyps.size(); ++i) stats.add(hyps[i], refs[i]);
  return compute_chrf(stats);
}

std::string format_chrf(double score) {
  char buf[256];
  std::snprintf(buf, sizeof buf, "chrF2|%s = %.1f", kChrfSignature, score);
  return buf;
}

}  // namespace nmt
