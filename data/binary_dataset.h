#pragma once
// A tokenized, filtered training corpus as one binary file, read through a
// memory mapping, so a corpus larger than memory trains in bounded memory:
// token ids stay in the page cache (file-backed, evictable), and the only
// per-pair data kept in anonymous memory is the length index that batch
// planning needs (8 bytes a pair).
//
// Layout (little-endian): a 256-byte header; the token ids (int32, each
// pair's source then its target); the index (per pair: offset of its ids,
// source length, target length, line in the raw corpus). The header holds a
// format version, the vocabulary sizes, a checksum of everything the ids were
// made from (source texts, tokenizer models, filter limits) and the file's
// own size, so a stale, foreign or truncated file is recognised.
#include <cstdint>
#include <string>
#include <vector>

#include "data/pair_source.h"
#include "data/parallel_corpus.h"

namespace nmt::data {

struct DatasetInfo {
  std::uint32_t src_vocab = 0;
  std::uint32_t tgt_vocab = 0;
  std::uint64_t source_checksum = 0;  // of whatever made the ids; see prepare
  FilterStats stats;                  // what filtering kept and dropped
};

class BinaryDataset : public PairSource {
 public:
  static constexpr std::uint32_t kVersion = 1;

  // Maps and checks the file; an error names it and says what is wrong (not
  // a dataset, another version, truncated).
  explicit BinaryDataset(const std::string& path);
  ~BinaryDataset() override;
  BinaryDataset(const BinaryDataset&) = delete;
  BinaryDataset& operator=(const BinaryDataset&) = delete;

  std::size_t size() const override { return lengths_.size(); }
  PairView pair(std::size_t i) const override;
  const std::vector<PairLengths>& lengths() const override { return lengths_; }
  const DatasetInfo& info() const { return info_; }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
  const unsigned char* data_ = nullptr;
  std::size_t bytes_ = 0;
  const int* tokens_ = nullptr;
  const unsigned char* index_ = nullptr;
  DatasetInfo info_;
  std::vector<PairLengths> lengths_;
};

// Writes a dataset pair by pair, to a temporary file that finish() moves into
// place atomically; nothing is held in memory but the index.
class BinaryDatasetWriter {
 public:
  BinaryDatasetWriter(const std::string& path, const DatasetInfo& info);
  ~BinaryDatasetWriter();
  void add(const std::vector<int>& src, const std::vector<int>& tgt, std::int64_t index);
  void finish(const FilterStats& stats);

 private:
  struct Impl;
  Impl* impl_;
};

// True when `path` is a dataset of this version whose checksum and
// vocabulary sizes are these (a cheap check of the header only).
bool dataset_matches(const std::string& path, const DatasetInfo& expected);

}  // namespace nmt::data
