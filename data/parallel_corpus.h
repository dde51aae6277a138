#pragma once
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace nmt::data {

struct SentencePair {
  std::string src;
  std::string tgt;
};

// Aligned files must have as many lines: otherwise an error naming both files and counts.
void require_same_line_count(const std::string& a_path, std::size_t a_lines, const std::string& b_path,
                             std::size_t b_lines);

// Reads two aligned files; different line counts are an error naming both.
std::vector<SentencePair> read_parallel(const std::string& src_path, const std::string& tgt_path);

// The same, one pair at a time (line numbers from 0), for corpora larger than
// memory; the line-count check comes when the shorter file ends.
void for_each_pair(const std::string& src_path, const std::string& tgt_path,
                   const std::function<void(std::int64_t line, const SentencePair& pair)>& visit);

// A pair as token ids (no BOS/EOS), with its position in the corpus.
struct TokenizedPair {
  std::vector<int> src;
  std::vector<int> tgt;
  std::int64_t index = 0;
};

struct FilterLimits {
  int max_length = 100;
  double max_length_ratio = 3.0;
};

struct FilterStats {
  std::int64_t read = 0;
  std::int64_t kept = 0;
  std::int64_t dropped_empty = 0;
  std::int64_t dropped_too_long = 0;
  std::int64_t dropped_ratio = 0;
  std::int64_t src_tokens = 0;  // over kept pairs
  std::int64_t tgt_tokens = 0;
  std::int64_t src_unknown = 0;
  std::int64_t tgt_unknown = 0;
};

// Whether a tokenized pair passes the filter below; counts it either way.
bool accept_pair(const std::vector<int>& src, const std::vector<int>& tgt, const FilterLimits& limits, int unk_id,
                 FilterStats& stats);

// Keeps pairs that are non-empty on both sides, within max_length tokens per
// side and within max_length_ratio; counts the rest by reason.
std::vector<TokenizedPair> filter_pairs(std::vector<TokenizedPair> pairs, const FilterLimits& limits,
                                        int unk_id, FilterStats& stats);

}  // namespace nmt::data
