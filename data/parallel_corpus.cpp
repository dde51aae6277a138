#include "data/parallel_corpus.h"

#include <algorithm>

#include "common/error.h"
#include "data/text_file.h"

namespace nmt::data {

void require_same_line_count(const std::string& a_path, std::size_t a_lines, const std::string& b_path,
                             std::size_t b_lines) {
  if (a_lines != b_lines)
    throw Error("parallel files differ in length: " + a_path + " has " + std::to_string(a_lines) +
                " lines, " + b_path + " has " + std::to_string(b_lines));
}

std::vector<SentencePair> read_parallel(const std::string& src_path, const std::string& tgt_path) {
  auto src = read_lines(src_path);
  auto tgt = read_lines(tgt_path);
  require_same_line_count(src_path, src.size(), tgt_path, tgt.size());
  std::vector<SentencePair> pairs(src.size());
  for (std::size_t i = 0; i < src.size(); ++i) pairs[i] = {std::move(src[i]), std::move(tgt[i])};
  return pairs;
}

void for_each_pair(const std::string& src_path, const std::string& tgt_path,
                   const std::function<void(std::int64_t line, const SentencePair& pair)>& visit) {
  LineReader src(src_path), tgt(tgt_path);
  SentencePair pair;
  while (true) {
    const bool has_src = src.next(pair.src), has_tgt = tgt.next(pair.tgt);
    if (!has_src || !has_tgt) {
      // Count what is left of the longer file, for the error.
      std::string rest;
      while (src.next(rest)) {}
      while (tgt.next(rest)) {}
      require_same_line_count(src_path, static_cast<std::size_t>(src.lines_read()), tgt_path,
                              static_cast<std::size_t>(tgt.lines_read()));
      return;
    }
    visit(src.lines_read() - 1, pair);
  }
}

bool accept_pair(const std::vector<int>& src, const std::vector<int>& tgt, const FilterLimits& limits, int unk_id,
                 FilterStats& stats) {
  ++stats.read;
  const double s = static_cast<double>(src.size());
  const double t = static_cast<double>(tgt.size());
  if (src.empty() || tgt.empty()) {
    ++stats.dropped_empty;
  } else if (s > limits.max_length || t > limits.max_length) {
    ++stats.dropped_too_long;
  } else if (std::max(s / t, t / s) > limits.max_length_ratio) {
    ++stats.dropped_ratio;
  } else {
    ++stats.kept;
    stats.src_tokens += src.size();
    stats.tgt_tokens += tgt.size();
    stats.src_unknown += std::count(src.begin(), src.end(), unk_id);
    stats.tgt_unknown += std::count(tgt.begin(), tgt.end(), unk_id);
    return true;
  }
  return false;
}

std::vector<TokenizedPair> filter_pairs(std::vector<TokenizedPair> pairs, const FilterLimits& limits,
                                        int unk_id, FilterStats& stats) {
  std::vector<TokenizedPair> kept;
  kept.reserve(pairs.size());
  for (auto& p : pairs)
    if (accept_pair(p.src, p.tgt, limits, unk_id, stats)) kept.push_back(std::move(p));
  return kept;
}

}  // namespace nmt::data
